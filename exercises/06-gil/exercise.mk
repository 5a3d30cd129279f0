# exercise.mk - exercise 06's checker runs tvp itself: make check builds build/tvp when it is missing.
NEEDS_TVP := yes
