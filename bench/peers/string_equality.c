/* string_equality: C twin of bench/string_equality.lox. Values are a string
   or a number or nil; strings compare by content. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { NIL, NUMBER, STRING } Type;
typedef struct {
  Type type;
  double number;
  const char *string;
} Value;

static char *concat(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  char *s = malloc(la + lb + 1);
  memcpy(s, a, la);
  memcpy(s + la, b, lb + 1);
  return s;
}

static char *slice(const char *s, size_t a, size_t b) {
  char *r = malloc(b - a + 1);
  memcpy(r, s + a, b - a);
  r[b - a] = '\0';
  return r;
}

static int equal(const char *w, Value v) {
  return v.type == STRING && strcmp(w, v.string) == 0;
}

static long run(long rounds) {
  const char *base = "the quick brown fox jumps over the lazy dog";
  char *upper = strdup(base);
  for (char *p = upper; *p; p++) *p = (char)toupper((unsigned char)*p);
  char *words[] = {"", "a", "b", "ab", "abc", "abd", "hello", "hellp", "world",
                   (char *)base, concat(base, "!"), concat(base, "?"), upper};
  int nWords = sizeof words / sizeof words[0];
  Value copies[32];
  int nCopies = 0;
  for (int i = 0; i < nWords; i++) {
    size_t len = strlen(words[i]), half = len / 2;
    char *a = slice(words[i], 0, half), *b = slice(words[i], half, len);
    copies[nCopies++] = (Value){STRING, 0, concat(a, b)};
    free(a);
    free(b);
  }
  copies[nCopies++] = (Value){STRING, 0, concat("hel", "lo")};
  copies[nCopies++] = (Value){STRING, 0, concat("the quick brown fox jumps over the lazy do", "g")};
  copies[nCopies++] = (Value){NUMBER, 1, NULL};
  copies[nCopies++] = (Value){NIL, 0, NULL};

  long eq = 0;
  for (long r = 0; r < rounds; r = r + 1) {
    for (int i = 0; i < nWords; i++) {
      for (int j = 0; j < nCopies; j++) {
        if (equal(words[i], copies[j])) eq = eq + 1;
      }
    }
  }
  for (int j = 0; j < nCopies; j++) free((char *)copies[j].string);
  free(words[10]);
  free(words[11]);
  free(upper);
  return eq;
}

int main(void) {
  printf("%ld\n", run(300000));
  return 0;
}
