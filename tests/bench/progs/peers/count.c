#include <stdio.h>

int main(void)
{
    int total = 0;
    for (int i = 0; i < 1000; i++)
        total += i % 7;
    printf("%d\n", total);
    return 0;
}
