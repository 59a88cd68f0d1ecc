// mandelbrot: JavaScript twin of bench/mandelbrot.lox
function mandelbrot(size, maxIter) {
  let sum = 0;
  let inside = 0;
  for (let y = 0; y < size; y = y + 1) {
    const ci = 2.0 * y / size - 1.0;
    for (let x = 0; x < size; x = x + 1) {
      const cr = 2.0 * x / size - 1.5;
      let zr = 0.0;
      let zi = 0.0;
      let i = 0;
      while (i < maxIter && zr * zr + zi * zi <= 4.0) {
        const t = zr * zr - zi * zi + cr;
        zi = 2.0 * zr * zi + ci;
        zr = t;
        i = i + 1;
      }
      sum = sum + i;
      if (i === maxIter) inside = inside + 1;
    }
  }
  console.log(sum);
  console.log(inside);
}

mandelbrot(750, 100);
