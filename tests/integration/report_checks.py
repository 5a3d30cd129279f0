#!/usr/bin/env python3
"""report_checks.py - what a tvp report must never say, checked on a built results directory.

usage: report_checks.py DIR   (DIR holds data/, report/generated.tex, report/report.log, report.pdf)
Checks: no Amdahl p outside [0, 1] and no USL sigma or kappa below 0 printed or stored; no
curve file with a pole, a negative value or a value above N; no factor below 1 called "faster";
no "faster"/"slower" whose interval holds 1; no absolute path; no overfull box above 1 pt; the
PDF shows option names with two hyphens (--input); every comparison in the conclusions and every
claim's "Measured here" names the sizes it was measured at. Prints every violation; exit 1 if any.
"""
import glob
import math
import os
import re
import subprocess
import sys


def number(text):
	"""A float from report text (LaTeX minus signs and spaces removed)."""
	return float(text.replace("$", "").replace("{", "").replace("}", "").strip())


# A problem size as the report writes it (scripts/facts.py sizes_text): primes to N, a WxH image,
# regex R on FILE, or a parameter k=N.
SIZE = re.compile(r"primes (from [0-9,]+ )?to [0-9,]+|[0-9]+×[0-9]+ (Mandelbrot )?image|regex \S.* on \S|[a-z][a-z-]*=[0-9]")
COMPARISON = re.compile(r"faster|slower|no measurable difference|within 0\.15|beat")


def sizeless(tex):
	"""The comparisons of generated.tex that do not name their sizes: conclusions, claims'
	"Measured here" (unless not measured) and the Python tools' verdicts."""
	out = []
	conclusions = re.search(r"\\section\*\{Conclusions.*?\\end\{itemize\}", tex, re.S)
	items = re.split(r"\n\\item ", conclusions.group(0))[1:] if conclusions else []
	verdicts = re.search(r"\\paragraph\{Verdicts\.\}.*?\\end\{itemize\}", tex, re.S)
	items += re.split(r"\n\\item ", verdicts.group(0))[1:] if verdicts else []
	for item in items:
		if COMPARISON.search(item) and "not measured" not in item and not SIZE.search(item):
			out.append(item.strip()[:160])
	for match in re.finditer(r"\\textbf\{Measured here:\} (.*?)\n\n\\textbf\{Verdict: ([^.]*)\.", tex, re.S):
		if match.group(2) != "not measured here" and not SIZE.search(match.group(1)):
			out.append(match.group(1).strip()[:160])
	return out


def main():
	directory = sys.argv[1]
	problems = []
	tex = open(os.path.join(directory, "report", "generated.tex")).read()
	pdf = subprocess.run(["pdftotext", "-layout", os.path.join(directory, "report.pdf"), "-"],
			     capture_output=True, text=True, check=True).stdout
	flat = " ".join(pdf.split())
	for match in re.finditer(r"\$p = (-?[0-9.]+)\$", tex):
		if not 0 <= number(match.group(1)) <= 1:
			problems.append("p outside [0, 1] printed: " + match.group(0))
	for match in re.finditer(r"\\(sigma|kappa) = (-?[0-9.e+-]+)\$", tex):
		if number(match.group(2)) < 0:
			problems.append("negative %s printed: %s" % (match.group(1), match.group(0)))
	for match in re.finditer(r"p = (-?[0-9.]+)", flat):
		if not 0 <= float(match.group(1)) <= 1:
			problems.append("p outside [0, 1] in the PDF: " + match.group(0))
	for match in re.finditer(r"[σκ] = (-[0-9.]+)", flat):
		problems.append("negative USL parameter in the PDF: " + match.group(0))
	for path in glob.glob(os.path.join(directory, "data", "*-fits.txt")):
		for line in open(path):
			words = line.split()
			if line.startswith("#") or len(words) < 7:
				continue
			for i, (lo, hi) in ((1, (0, 1)), (4, (0, math.inf)), (5, (0, math.inf)), (6, (0, 1))):
				if words[i] != "-" and not lo <= float(words[i]) <= hi:
					problems.append("%s: %s column %d = %s" % (os.path.basename(path), words[0], i + 1, words[i]))
	for path in glob.glob(os.path.join(directory, "data", "*.curve")):
		for line in open(path):
			if line.startswith("#"):
				continue
			x, y = (float(v) if v != "NaN" else math.nan for v in line.split())
			if math.isnan(x) and math.isnan(y):
				continue
			if not (math.isfinite(y) and 0 <= y <= x * (1 + 1e-6)):
				problems.append("%s: bad curve point %s" % (os.path.basename(path), line.strip()))
	for match in re.finditer(r"([0-9.]+)\s*(x|×|times)\s+faster", flat):
		if float(match.group(1)) < 1:
			problems.append("a factor below 1 called faster: " + match.group(0))
	for match in re.finditer(r"(faster|slower) \(ratio ([0-9.]+), 95% interval ([0-9.]+)-([0-9.]+)\)", flat):
		low, high = float(match.group(3)), float(match.group(4))
		if low <= 1 <= high:
			problems.append("a difference claimed inside the noise: " + match.group(0))
	for text, where in ((tex, "generated.tex"), (pdf, "report.pdf")):
		for match in re.finditer(r"(?<![\w.])/(?:tmp|home|root|work|usr|var|srv|mnt|opt)/\S*", text):
			problems.append("absolute path in %s: %s" % (where, match.group(0)))
	log = open(os.path.join(directory, "report", "report.log"), errors="replace").read()
	for match in re.finditer(r"Overfull \\[hv]box \(([0-9.]+)pt too", log):
		if float(match.group(1)) > 1:
			problems.append("overfull box in the LaTeX log: " + match.group(0))
	if "--input" not in pdf:
		problems.append("the PDF never shows --input with two hyphens")
	for match in re.finditer(r"(?<![\w-])[-\u2013](input|gil-free|gil|expect|model|workers|engine|schedule|ipc)\b", pdf):
		problems.append("an option with one hyphen or an en dash in the PDF: " + match.group(0))
	for sentence in sizeless(tex):
		problems.append("a comparison without its sizes: " + sentence)
	for problem in problems:
		print(problem)
	return 1 if problems else 0


if __name__ == "__main__":
	sys.exit(main())
