/* mandelbrot: C twin of bench/mandelbrot.lox */
#include <stdio.h>

static void mandelbrot(int size, int maxIter) {
  long sum = 0;
  long inside = 0;
  for (int y = 0; y < size; y = y + 1) {
    double ci = 2.0 * y / size - 1.0;
    for (int x = 0; x < size; x = x + 1) {
      double cr = 2.0 * x / size - 1.5;
      double zr = 0.0;
      double zi = 0.0;
      int i = 0;
      while (i < maxIter && zr * zr + zi * zi <= 4.0) {
        double t = zr * zr - zi * zi + cr;
        zi = 2.0 * zr * zi + ci;
        zr = t;
        i = i + 1;
      }
      sum = sum + i;
      if (i == maxIter) inside = inside + 1;
    }
  }
  printf("%ld\n%ld\n", sum, inside);
}

int main(void) {
  mandelbrot(750, 100);
  return 0;
}
