# exercise.mk - exercise 09 also builds pool with ThreadSanitizer, as pool-tsan.
TSAN_PROGS := pool
