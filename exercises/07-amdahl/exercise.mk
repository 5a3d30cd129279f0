# exercise.mk - exercise 07's checker runs a tvp sweep for the student's program to read.
NEEDS_TVP := yes
