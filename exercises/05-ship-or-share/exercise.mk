# exercise.mk - exercise 05's checker makes corpora with tvp corpus and compares with tvp grep.
NEEDS_TVP := yes
