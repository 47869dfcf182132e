/*
 * daybook CSV (RFC 4180) for the work log export and import.
 *
 * Pure C: no Kore.  Memory is plain malloc/free; each struct says who owns
 * what.  The file format is one header line and one record per day:
 *
 *	date,kind,half_day,location,note
 *	2026-01-05,remote,0,Lisbon,"notes may hold ""quotes"", commas
 *	and line breaks"
 */

#ifndef DBK_CSV_H
#define DBK_CSV_H

#include <stddef.h>

#include "validate.h"
#include "worklog.h"

/* The header line (without its CRLF). */
#define DBK_CSV_HEADER		"date,kind,half_day,location,note"
#define DBK_CSV_COLUMNS		5

/* Import limits: input bytes and data records (the header not counted). */
#define DBK_CSV_MAX_BYTES	(2 * 1024 * 1024)
#define DBK_CSV_MAX_ROWS	5000

/* ---- Writer ---------------------------------------------------------- */

/*
 * A growing output buffer.  data is malloc'd and owned by the writer until
 * dbk_csv_writer_free (or until the caller takes it: data/len, then sets
 * data to NULL before freeing).  data is not NUL-terminated.  Once a write
 * fails (no memory, or max reached) failed stays set and every later write
 * does nothing, so a caller may check once at the end.
 */
struct dbk_csv_writer {
	char	*data;
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* largest len; 0 = no limit */
	int	 fields;	/* fields written in the current row */
	int	 failed;
};

/* Starts an empty writer that refuses to grow past max bytes (0: none). */
void	dbk_csv_writer_init(struct dbk_csv_writer *w, size_t max);

/* Frees the buffer; the writer may be initialised again. */
void	dbk_csv_writer_free(struct dbk_csv_writer *w);

/*
 * Appends one field to the current row: a comma first unless it is the
 * row's first field, then the len bytes at s, enclosed in double quotes
 * with inner quotes doubled when they contain a comma, a double quote, CR
 * or LF.  Returns 0, or -1 when the writer has failed.
 */
int	dbk_csv_write_field(struct dbk_csv_writer *w, const char *s,
	    size_t len);

/* Ends the current row with CRLF.  Returns 0 or -1 (failed). */
int	dbk_csv_end_row(struct dbk_csv_writer *w);

/* Writes DBK_CSV_HEADER and CRLF.  Returns 0 or -1 (failed). */
int	dbk_csv_write_header(struct dbk_csv_writer *w);

/*
 * Writes one work log record: the date, the kind's name, "1" or "0" for
 * half_day, the location and the note, then CRLF.  Returns 0, or -1 when
 * the writer has failed or the date or kind is invalid (then nothing of
 * the row is written and failed stays clear).
 */
int	dbk_csv_write_entry(struct dbk_csv_writer *w,
	    const struct dbk_date *date, enum dbk_day_kind kind, int half_day,
	    const char *location, size_t location_len, const char *note,
	    size_t note_len);

/* ---- Import parser --------------------------------------------------- */

/* Why a record was rejected. */
enum dbk_csv_reason {
	DBK_CSV_BAD_HEADER = 1,		/* not DBK_CSV_HEADER */
	DBK_CSV_FIELD_COUNT,		/* not exactly 5 fields */
	DBK_CSV_UNTERMINATED_QUOTE,	/* a quoted field runs to the end */
	DBK_CSV_BAD_QUOTE,		/* stray quote in/after a field */
	DBK_CSV_BAD_UTF8,		/* bad UTF-8 or control chars */
	DBK_CSV_BAD_DATE,		/* no real YYYY-MM-DD 1970-2100 */
	DBK_CSV_UNKNOWN_KIND,
	DBK_CSV_BAD_HALF_DAY,		/* not 0/1/true/false/yes/no/'' */
	DBK_CSV_LOCATION_TOO_LONG,	/* > DBK_WORKLOG_LOCATION_MAX chars */
	DBK_CSV_NOTE_TOO_LONG,		/* > DBK_WORKLOG_NOTE_MAX chars */
	DBK_CSV_DUPLICATE_DATE,		/* date also on an earlier row */
};

/* A sentence (no line number) for a reason, never NULL. */
const char	*dbk_csv_reason_message(enum dbk_csv_reason reason);

struct dbk_csv_error {
	int			line;		/* record's first line */
	enum dbk_csv_reason	reason;
	int			first_line;	/* DUPLICATE_DATE: the first */
};

/*
 * A good record.  location and note point into the import's own text
 * (NUL-terminated, valid UTF-8, surrounding ASCII whitespace removed); they
 * live as long as the struct dbk_csv_import.
 */
struct dbk_csv_row {
	int			 line;		/* record's first line */
	struct dbk_date		 date;
	enum dbk_day_kind	 kind;
	int			 half_day;	/* 0 or 1 */
	const char		*location;
	size_t			 location_len;	/* bytes */
	const char		*note;
	size_t			 note_len;	/* bytes (newlines ok) */
};

/*
 * The result of dbk_csv_import_parse.  Everything is owned by the struct
 * and released by dbk_csv_import_free.  rows holds the good records in
 * file order, errors one entry per bad record (in file order).  The caller
 * stores nothing when nerrors > 0 (all or nothing).
 */
struct dbk_csv_import {
	struct dbk_csv_row	*rows;
	size_t			 nrows;
	struct dbk_csv_error	*errors;
	size_t			 nerrors;
	char			*text;		/* field storage */
	int			*seen;		/* duplicate check */
};

/* dbk_csv_import_parse results. */
#define DBK_CSV_OK		0
#define DBK_CSV_ETOOLARGE	(-1)	/* more than DBK_CSV_MAX_BYTES */
#define DBK_CSV_ETOOMANY	(-2)	/* > DBK_CSV_MAX_ROWS records */
#define DBK_CSV_ENOMEM		(-3)

/*
 * Parses an import file: an optional UTF-8 BOM, the header row (names in
 * any ASCII case), then records with CRLF, LF or lone CR line ends; the
 * last line end is optional and blank lines are skipped.  Quoted fields
 * may hold commas, doubled quotes and line breaks.  Every field is trimmed
 * of surrounding ASCII whitespace.  half_day accepts 0, 1, true, false,
 * yes, no (any case) or empty (0).
 *
 * Returns DBK_CSV_OK with *out filled (check out->nerrors), or a
 * DBK_CSV_E* code with *out empty.  Either way the caller calls
 * dbk_csv_import_free(out).  After a bad header or an unterminated quote
 * the rest of the file is not parsed (that error is the last one).
 */
int	dbk_csv_import_parse(const char *data, size_t len,
	    struct dbk_csv_import *out);

/* Frees everything *import owns and empties it (safe to call twice). */
void	dbk_csv_import_free(struct dbk_csv_import *import);

/* A sentence for a DBK_CSV_E* code, never NULL. */
const char	*dbk_csv_status_message(int status);

#endif
