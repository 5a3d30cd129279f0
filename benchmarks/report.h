/* report.h - writing results: a readable table, CSV, and JSON (schema tvp/1). */
#ifndef TVP_REPORT_H
#define TVP_REPORT_H

#include <stdio.h>

struct tvp_record;

enum tvp_format { TVP_FORMAT_TABLE, TVP_FORMAT_CSV, TVP_FORMAT_JSON };
int tvp_format_parse(const char *name, enum tvp_format *out);

/* Write one record in format to out. Return 0, or -1 on a write error. */
int tvp_report_write(FILE *out, enum tvp_format format, const struct tvp_record *rec);

/* Write a JSON string literal (quoted and escaped). */
void tvp_json_string(FILE *out, const char *text);

/* Write the "machine" object of the JSON: CPU, cores, kernel, compiler. */
void tvp_json_machine(FILE *out);

#endif
