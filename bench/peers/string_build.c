/* string_build: C twin of bench/string_build.lox. Strings are immutable
   heap copies, so concatenation allocates a new string like Lox does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *concat(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  char *s = malloc(la + lb + 1);
  memcpy(s, a, la);
  memcpy(s + la, b, lb + 1);
  return s;
}

static char *str(long n) {
  char buf[32];
  snprintf(buf, sizeof buf, "%ld", n);
  return strdup(buf);
}

static char *join(char **parts, int n, const char *sep) {
  size_t total = 0, ls = strlen(sep);
  for (int i = 0; i < n; i++) total += strlen(parts[i]) + (i > 0 ? ls : 0);
  char *s = malloc(total + 1), *p = s;
  for (int i = 0; i < n; i++) {
    if (i > 0) { memcpy(p, sep, ls); p += ls; }
    size_t l = strlen(parts[i]);
    memcpy(p, parts[i], l);
    p += l;
  }
  *p = '\0';
  return s;
}

static long hashString(const char *s, long h) {
  size_t n = strlen(s);
  for (size_t i = 0; i < n; i = i + 1) {
    h = (h * 31 + (unsigned char)s[i]) % 1000003;
  }
  return h;
}

static char *buildRow(long n) {
  char *row = strdup("");
  for (long i = 0; i < n; i = i + 1) {
    char *digit = str(i % 10);
    char *next = concat(row, digit);
    free(row);
    free(digit);
    row = next;
  }
  return row;
}

static char *buildRecord(long i) {
  char *parts[8];
  for (long j = 0; j < 8; j = j + 1) {
    char *sj = str(j), *sv = str((i * j) % 97);
    char *a = concat("f", sj);
    char *b = concat(a, "=");
    parts[j] = concat(b, sv);
    free(sj); free(sv); free(a); free(b);
  }
  char *record = join(parts, 8, ",");
  for (int j = 0; j < 8; j++) free(parts[j]);
  return record;
}

int main(void) {
  long totalLength = 0;
  long hash = 7;
  for (long round = 0; round < 24000; round = round + 1) {
    char *parts[3] = {buildRow(100 + round % 50), buildRecord(round), str(round)};
    char *line = join(parts, 3, ";");
    totalLength = totalLength + (long)strlen(line);
    hash = hashString(line, hash);
    free(line);
    for (int i = 0; i < 3; i++) free(parts[i]);
  }
  printf("%ld\n%ld\n", totalLength, hash);
  return 0;
}
