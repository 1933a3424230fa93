/* A stand-in for a kernel module's code: functions in .text and in .text.unlikely, a data
 * object, and a static function. Built into tiny_module.o (checked in) with:
 *   gcc -O1 -fno-asynchronous-unwind-tables -fno-inline -c tiny_module.c -o tiny_module.o
 * (see module_code_test.cc; the test reads only the ELF layout, never runs the code). */
int tiny_table[16];

static int tiny_helper(int x) { return tiny_table[x & 15] * 3 + x; }

int tiny_alloc(int x) { return tiny_helper(x) + tiny_helper(x + 1); }

int tiny_free(int x) {
  int sum = 0;
  for (int i = 0; i < x; ++i) sum += tiny_table[i & 15];
  return sum;
}

__attribute__((cold, section(".text.unlikely"))) int tiny_error(int x) { return -x; }
