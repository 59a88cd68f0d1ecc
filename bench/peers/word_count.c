/* word_count: C twin of bench/word_count.lox. The map is an open-addressing
   hash table that remembers insertion order; split yields slices of the
   text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *SYLLABLES[] = {"ka", "lo", "mi", "ne", "ru", "so", "ta", "vi", "ze", "po"};

static long seed = 2024;
static long nextRandom(void) {
  seed = (seed * 214013 + 2531011) % 2147483648L;
  return seed / 65536;
}

static char *makeText(long nWords, size_t *lenOut) {
  size_t cap = 64, len = 0;
  char *text = malloc(cap);
  for (long i = 0; i < nWords; i = i + 1) {
    long syllables = nextRandom() % 3 + 1;
    char word[16];
    size_t wlen = 0;
    for (long s = 0; s < syllables; s = s + 1) {
      const char *syl = SYLLABLES[nextRandom() % 10];
      memcpy(word + wlen, syl, 2);
      wlen += 2;
    }
    if (len + wlen + 2 > cap) {
      while (len + wlen + 2 > cap) cap *= 2;
      text = realloc(text, cap);
    }
    if (i > 0) text[len++] = ' ';
    memcpy(text + len, word, wlen);
    len += wlen;
  }
  text[len] = '\0';
  *lenOut = len;
  return text;
}

typedef struct {
  const char *key;
  size_t len;
  long count;
} Entry;

typedef struct {
  Entry *entries;   /* open addressing, key == NULL means empty */
  size_t capacity;
  size_t *order;    /* indices into entries, in insertion order */
  size_t size;
} Map;

static size_t hashBytes(const char *s, size_t len) {
  size_t h = 2166136261u;
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)s[i];
    h *= 16777619u;
  }
  return h;
}

static void mapInit(Map *m) {
  m->capacity = 16;
  m->entries = calloc(m->capacity, sizeof(Entry));
  m->order = malloc(m->capacity * sizeof(size_t));
  m->size = 0;
}

static void mapGrow(Map *m) {
  Map bigger;
  bigger.capacity = m->capacity * 2;
  bigger.entries = calloc(bigger.capacity, sizeof(Entry));
  bigger.order = malloc(bigger.capacity * sizeof(size_t));
  bigger.size = 0;
  for (size_t i = 0; i < m->size; i++) {
    Entry *e = &m->entries[m->order[i]];
    size_t j = hashBytes(e->key, e->len) & (bigger.capacity - 1);
    while (bigger.entries[j].key != NULL) j = (j + 1) & (bigger.capacity - 1);
    bigger.entries[j] = *e;
    bigger.order[bigger.size++] = j;
  }
  free(m->entries);
  free(m->order);
  *m = bigger;
}

static Entry *mapSlot(Map *m, const char *key, size_t len) {
  if ((m->size + 1) * 4 > m->capacity * 3) mapGrow(m);
  size_t j = hashBytes(key, len) & (m->capacity - 1);
  for (;;) {
    Entry *e = &m->entries[j];
    if (e->key == NULL) {
      e->key = key;
      e->len = len;
      e->count = 0;
      m->order[m->size++] = j;
      return e;
    }
    if (e->len == len && memcmp(e->key, key, len) == 0) return e;
    j = (j + 1) & (m->capacity - 1);
  }
}

static void mapFree(Map *m) {
  free(m->entries);
  free(m->order);
}

static void countWords(Map *counts, const char *text, size_t len) {
  mapInit(counts);
  size_t start = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i == len || text[i] == ' ') {
      mapSlot(counts, text + start, i - start)->count += 1;
      start = i + 1;
    }
  }
}

int main(void) {
  size_t len;
  char *text = makeText(300000, &len);
  Map counts;
  countWords(&counts, text, len);
  for (int round = 1; round < 10; round = round + 1) {
    mapFree(&counts);
    countWords(&counts, text, len);
  }

  const Entry *top = NULL;
  long topCount = 0;
  for (size_t i = 0; i < counts.size; i++) {
    const Entry *e = &counts.entries[counts.order[i]];
    if (e->count > topCount) {
      top = e;
      topCount = e->count;
    }
  }
  printf("%zu\n%zu\n%.*s %ld\n", len, counts.size, (int)top->len, top->key, topCount);
  mapFree(&counts);
  free(text);
  return 0;
}
