# exercise.mk - exercise 12: the last test gives honest real runs of tvp primes.
NEEDS_TVP := yes
