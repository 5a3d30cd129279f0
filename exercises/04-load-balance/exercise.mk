# exercise.mk - exercise 04's checker compares the image with tvp mandelbrot's.
NEEDS_TVP := yes
