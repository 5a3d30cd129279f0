# exercise.mk - exercise 08 also builds race with ThreadSanitizer, as race-tsan.
TSAN_PROGS := race
