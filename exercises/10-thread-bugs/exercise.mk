# exercise.mk - exercise 10 also builds bugs with ThreadSanitizer, as bugs-tsan.
TSAN_PROGS := bugs
