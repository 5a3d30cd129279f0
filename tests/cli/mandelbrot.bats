#!/usr/bin/env bats
# mandelbrot.bats - tvp mandelbrot on the command line: answers, images, JSON, and bad input.

bats_require_minimum_version 1.5.0
load helpers

# mandel_py W H I RE IM SPAN: the checksum the way the README defines it,
# computed by Python from scratch: the talk's loop per pixel centre, then
# FNV-1a 64 over each count as four little-endian bytes in raster order.
mandel_py() {
	python3 - "$@" <<'PY'
import sys
w, h, iters = (int(a) for a in sys.argv[1:4])
cre, cim, span = (float(a) for a in sys.argv[4:7])
step = span / w
def calc_point(x0, y0):
    x = y = 0.0
    for i in range(iters):
        if x * x + y * y >= 4.0:
            return i
        x_temp = x * x - y * y + x0
        y = 2 * x * y + y0
        x = x_temp
    return iters
hsh = 0xcbf29ce484222325
for row in range(h):
    y0 = cim + ((h - 1) / 2 - row) * step
    for col in range(w):
        n = calc_point(cre + (col - (w - 1) / 2) * step, y0)
        for b in n.to_bytes(4, "little"):
            hsh = ((hsh ^ b) * 0x100000001b3) & 0xffffffffffffffff
print("%016x" % hsh)
PY
}

@test "tvp --list names mandelbrot and tiny" {
	run "$TVP" --list
	[ "$status" -eq 0 ]
	grep -Eq '^  mandelbrot +[a-z]' <<<"$output"
	grep -Eq '^  tiny +[a-z]' <<<"$output"
}

@test "tvp mandelbrot --help lists the size, region and image options with defaults" {
	run "$TVP" mandelbrot --help
	[ "$status" -eq 0 ]
	for opt in "--width W" "--height H" "--iterations I" "--centre-re X" "--centre-im Y" "--span S" "--image FILE"; do
		[[ "$output" == *"$opt"* ]] || { echo "missing $opt"; return 1; }
	done
	[[ "$output" == *"[800]"* && "$output" == *"[256]"* ]]
}

@test "the answer equals a checksum computed from scratch in Python" {
	for args in "40 30 100 -0.5 0 3" "23 17 1000 -0.75 0.1 0.5" "16 9 70000 -0.1 0.65 0.2"; do
		set -- $args
		expect=$(mandel_py "$@")
		run "$TVP" mandelbrot --width "$1" --height "$2" --iterations "$3" --centre-re "$4" \
			--centre-im "$5" --span "$6" --repeat 1 --warmup 0 --format csv
		[ "$status" -eq 0 ]
		[[ "${lines[1]}" == *",$expect,true,"* ]] || { echo "$args: want $expect, got ${lines[1]}"; return 1; }
	done
}

@test "--format json prints a verified run whose answer is the 64-bit checksum" {
	"$TVP" mandelbrot --model pool --workers 2 --width 64 --height 48 --iterations 500 \
		--schedule dynamic --repeat 2 --format json >"$BATS_TEST_TMPDIR/m.json"
	python3 - "$BATS_TEST_TMPDIR/m.json" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "tvp/1"
run = d["runs"][0]
assert run["workload"] == "mandelbrot" and run["model"] == "pool"
assert run["verified"] is True
assert re.fullmatch(r"[0-9a-f]{16}", run["answer"]), run["answer"]
assert run["answer"] == run["reference"]
assert run["units"] == 48 and run["tasks"] == 48 and run["chunk"] == 1
assert run["params"]["width"] == 64 and run["params"]["iterations"] == 500
assert run["params"]["centre-re"] == -0.5 and run["params"]["span"] == 3
for k in ["wall_s", "phases_s", "cpu_s", "ctx_switches", "max_rss_kb"]:
    assert k in run, k
PY
}

# pgm_check FILE W H MAXVAL: a binary PGM of that size and maxval; prints
# the pixel values of the corners and the centre.
pgm_check() {
	python3 - "$@" <<'PY'
import sys
path, w, h, maxval = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
data = open(path, "rb").read()
fields, pos = [], 0
while len(fields) < 4:            # magic, width, height, maxval, then one whitespace
    while data[pos:pos + 1].isspace():
        pos += 1
    start = pos
    while not data[pos:pos + 1].isspace():
        pos += 1
    fields.append(data[start:pos])
pos += 1
assert fields == [b"P5", str(w).encode(), str(h).encode(), str(maxval).encode()], fields
size = 1 if maxval < 256 else 2
pixels = data[pos:]
assert len(pixels) == w * h * size, (len(pixels), w * h * size)
def at(col, row):
    i = (row * w + col) * size
    return int.from_bytes(pixels[i:i + size], "big")
assert max(at(c, r) for r in range(h) for c in range(w)) <= maxval
print(at(0, 0), at(w - 1, 0), at(w // 2, h // 2), at(w - 1, h - 1))
PY
}

@test "--image writes a valid PGM of the right size with known pixels" {
	# 5x5 pixels, one unit apart, centred on -0.5: the centre pixel is in
	# the set, the corners (-2.5 +- 2i, 1.5 +- 2i) escape at once.
	run "$TVP" mandelbrot --width 5 --height 5 --iterations 300 --span 5 \
		--image "$BATS_TEST_TMPDIR/five.pgm" --repeat 1
	[ "$status" -eq 0 ]
	run pgm_check "$BATS_TEST_TMPDIR/five.pgm" 5 5 300
	[ "$status" -eq 0 ]
	[ "$output" = "1 1 300 1" ]
	# one byte per sample when the iterations fit, and a larger image
	"$TVP" mandelbrot --width 321 --height 123 --iterations 200 --model fork --workers 2 \
		--image "$BATS_TEST_TMPDIR/big.pgm" --repeat 1 >/dev/null
	run pgm_check "$BATS_TEST_TMPDIR/big.pgm" 321 123 200
	[ "$status" -eq 0 ]
	# more iterations than 16 bits hold: scaled to 65535
	"$TVP" mandelbrot --width 9 --height 7 --iterations 100000 --span 5 \
		--image "$BATS_TEST_TMPDIR/deep.pgm" --repeat 1 >/dev/null
	run pgm_check "$BATS_TEST_TMPDIR/deep.pgm" 9 7 65535
	[ "$status" -eq 0 ]
	[[ "$output" == *" 65535 "* ]]
	# no temporary file is left behind
	[ "$(ls "$BATS_TEST_TMPDIR")" = "$(printf 'big.pgm\ndeep.pgm\nfive.pgm')" ]
}

@test "--image FILE.png writes a PNG of the right size" {
	run "$TVP" mandelbrot --width 120 --height 90 --iterations 400 --image "$BATS_TEST_TMPDIR/m.png" --repeat 1
	[ "$status" -eq 0 ]
	python3 - "$BATS_TEST_TMPDIR/m.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
length, kind = struct.unpack(">I4s", data[8:16])
assert kind == b"IHDR"
w, h, depth, colour = struct.unpack(">IIBB", data[16:26])
assert (w, h, depth, colour) == (120, 90, 8, 2), (w, h, depth, colour)
raw = b"".join(data[i + 8:i + 8 + struct.unpack(">I", data[i:i + 4])[0]]
               for i in [p - 4 for p in range(len(data)) if data[p:p + 4] == b"IDAT"])
assert len(zlib.decompress(raw)) == h * (1 + 3 * w)
PY
}

@test "the image is written only when the run is verified" {
	TVP_FAULT=wrong-answer run "$TVP" mandelbrot --width 30 --height 20 --image "$BATS_TEST_TMPDIR/bad.pgm"
	[ "$status" -eq 1 ]
	[ -z "$(ls "$BATS_TEST_TMPDIR")" ]
}

@test "bad input: sizes, iterations, regions with no pixels, image paths" {
	expect_usage_error mandelbrot --width 0
	expect_usage_error mandelbrot --height 0
	expect_usage_error mandelbrot --width 100001
	expect_usage_error mandelbrot --width 20000 --height 20000
	expect_usage_error mandelbrot --width 1e30
	expect_usage_error mandelbrot --iterations 0
	expect_usage_error mandelbrot --iterations 5000000000
	expect_usage_error mandelbrot --span 0
	expect_usage_error mandelbrot --span -3
	expect_usage_error mandelbrot --span 1e-300 --centre-re 1
	expect_usage_error mandelbrot --centre-re 1.7e308 --span 1e308
	expect_usage_error mandelbrot --centre-re nan
	expect_usage_error mandelbrot --span inf
	expect_usage_error mandelbrot --width ten
	expect_usage_error mandelbrot --image ""
	expect_usage_error mandelbrot --image "$BATS_TEST_TMPDIR/no/such/dir/m.pgm"
	[ ! -e "$BATS_TEST_TMPDIR/no" ]
}
