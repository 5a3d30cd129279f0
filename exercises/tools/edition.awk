# edition.awk - one edition of a lab's master file: the solution, or the starter made from the text beside each solution part.
#
# usage: awk -v edition=starter|solution|secret -f edition.awk MASTER > OUT
# The master is the instructor's solution, with the parts the student writes
# marked, one marker a line, in the file's own comment style:
#   /* BEGIN SOLUTION */   the solution's lines follow (in both the master and the solution edition)
#   /* BEGIN STARTER */    optional: the starter's lines follow, each behind the prefix //| (or #|)
#                          after its indentation, so the master still builds as the solution
#   /* END SOLUTION */     back to the lines both editions share
# edition=solution drops the markers and the starter lines; edition=starter
# drops the solution lines and un-prefixes the starter lines; edition=secret
# prints the solution lines of 12 or more characters that are not among the
# lines both editions share (what a starter must never hold, even in its
# starter text). A malformed master: one line
# on stderr, exit 2.

function marker(line, name) {
	return line ~ ("^[ \t]*(/\\*|//|#|<!--)[ \t]*" name "[ \t]*(\\*/|-->)?[ \t]*$")
}

function malformed(what) {
	printf "edition.awk: %s:%d: %s\n", FILENAME, FNR, what > "/dev/stderr"
	failed = 1
	exit 2
}

BEGIN {
	if (edition !~ /^(starter|solution|secret)$/) {
		print "edition.awk: edition must be starter, solution or secret" > "/dev/stderr"
		failed = 1
		exit 2
	}
	state = "shared"
}

marker($0, "BEGIN SOLUTION") {
	if (state != "shared") malformed("BEGIN SOLUTION inside a solution part")
	state = "solution"
	next
}
marker($0, "BEGIN STARTER") {
	if (state != "solution") malformed("BEGIN STARTER outside a solution part")
	state = "starter"
	next
}
marker($0, "END SOLUTION") {
	if (state == "shared") malformed("END SOLUTION without BEGIN SOLUTION")
	state = "shared"
	next
}
state == "starter" {
	if ($0 !~ /^[ \t]*(\/\/|#)\|/) malformed("a starter line must begin with //| or #| after its indentation")
	line = $0
	sub(/(\/\/|#)\| ?/, "", line)
	if (edition == "starter") print line
	next
}
state == "solution" {
	if (edition == "solution") print
	else if (edition == "secret") secrets[++secret_count] = $0
	next
}
{
	if (edition == "secret") others[$0] = 1
	else print
}

END {
	if (failed) exit 2
	if (state != "shared") malformed("a solution part is not closed (END SOLUTION)")
	for (i = 1; i <= secret_count; i++) {
		line = secrets[i]
		trimmed = line
		gsub(/^[ \t]+|[ \t]+$/, "", trimmed)
		if (length(trimmed) >= 12 && !(line in others)) print line
	}
}
