"""latex.py - text made safe for the report's LaTeX, and times in units that suit them (for every section)."""
import math


def tex(text):
	"""Text with LaTeX's special characters escaped; "--" kept as two hyphens (no en dash)."""
	out = []
	for ch in str(text):
		out.append({"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
			    "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
			    "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}",
			    "'": r"\textquotesingle{}"}.get(ch, ch))
	return "".join(out).replace("--", "-{}-")  # no en-dash ligature in option names


def code(text):
	"""Text in typewriter type, escaped."""
	return r"\texttt{%s}" % tex(text)


def secs(x):
	"""Seconds with a unit that suits their size."""
	if x is None or (isinstance(x, float) and math.isnan(x)):
		return "--"
	if x == 0:
		return "0"
	if x < 1e-3:
		return r"%.1f\,\textmu s" % (x * 1e6)
	if x < 1:
		return r"%.1f\,ms" % (x * 1e3)
	return r"%.2f\,s" % x
