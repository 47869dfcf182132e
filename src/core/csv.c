/*
 * daybook CSV (RFC 4180): the work log export writer and import parser.
 * See csv.h.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "validate.h"
#include "worklog.h"

/* ---- Writer ---------------------------------------------------------- */

void
dbk_csv_writer_init(struct dbk_csv_writer *w, size_t max)
{
	memset(w, 0, sizeof(*w));
	w->max = max;
}

void
dbk_csv_writer_free(struct dbk_csv_writer *w)
{
	free(w->data);
	w->data = NULL;
	w->len = 0;
	w->cap = 0;
	w->fields = 0;
}

/* Makes room for extra more bytes.  Returns 0, or -1 and sets failed. */
static int
writer_reserve(struct dbk_csv_writer *w, size_t extra)
{
	size_t	 need, newcap;
	char	*grown;

	if (w->failed)
		return (-1);
	if (extra > SIZE_MAX - w->len)
		goto fail;
	need = w->len + extra;
	if (w->max != 0 && need > w->max)
		goto fail;
	if (need <= w->cap)
		return (0);
	newcap = w->cap != 0 ? w->cap : 256;
	while (newcap < need) {
		if (newcap > SIZE_MAX / 2)
			goto fail;
		newcap *= 2;
	}
	if ((grown = realloc(w->data, newcap)) == NULL)
		goto fail;
	w->data = grown;
	w->cap = newcap;
	return (0);
fail:
	w->failed = 1;
	return (-1);
}

static int
needs_quotes(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return (1);
	}
	return (0);
}

static size_t
count_quotes(const char *s, size_t len)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++)
		n += s[i] == '"';
	return (n);
}

int
dbk_csv_write_field(struct dbk_csv_writer *w, const char *s, size_t len)
{
	size_t	i, size, quotes = 0;
	int	quoted;

	if (s == NULL && len > 0) {
		w->failed = 1;
		return (-1);
	}
	quoted = len > 0 && needs_quotes(s, len);
	if (quoted)
		quotes = count_quotes(s, len);
	/* len + quotes + 3 cannot overflow: both are at most len <= 2^63. */
	size = len + quotes + (quoted ? 2 : 0) + (w->fields > 0);
	if (len > SIZE_MAX / 2 || writer_reserve(w, size) == -1)
		return (-1);
	if (w->fields > 0)
		w->data[w->len++] = ',';
	if (!quoted) {
		if (len > 0)
			memcpy(w->data + w->len, s, len);
		w->len += len;
	} else {
		w->data[w->len++] = '"';
		for (i = 0; i < len; i++) {
			if (s[i] == '"')
				w->data[w->len++] = '"';
			w->data[w->len++] = s[i];
		}
		w->data[w->len++] = '"';
	}
	w->fields++;
	return (0);
}

int
dbk_csv_end_row(struct dbk_csv_writer *w)
{
	if (writer_reserve(w, 2) == -1)
		return (-1);
	w->data[w->len++] = '\r';
	w->data[w->len++] = '\n';
	w->fields = 0;
	return (0);
}

int
dbk_csv_write_header(struct dbk_csv_writer *w)
{
	static const char	*names[DBK_CSV_COLUMNS] = {
		"date", "kind", "half_day", "location", "note"
	};
	int			 i;

	for (i = 0; i < DBK_CSV_COLUMNS; i++)
		dbk_csv_write_field(w, names[i], strlen(names[i]));
	return (dbk_csv_end_row(w));
}

int
dbk_csv_write_entry(struct dbk_csv_writer *w, const struct dbk_date *date,
    enum dbk_day_kind kind, int half_day, const char *location,
    size_t location_len, const char *note, size_t note_len)
{
	char		 day[DBK_DATE_STR_LEN];
	const char	*name;

	if (w->failed || date == NULL ||
	    !dbk_date_valid(date->year, date->month, date->day) ||
	    (name = dbk_day_kind_name(kind)) == NULL)
		return (-1);
	dbk_date_format(date, day);
	dbk_csv_write_field(w, day, strlen(day));
	dbk_csv_write_field(w, name, strlen(name));
	dbk_csv_write_field(w, half_day ? "1" : "0", 1);
	dbk_csv_write_field(w, location, location_len);
	dbk_csv_write_field(w, note, note_len);
	return (dbk_csv_end_row(w));
}

/* ---- Parser ---------------------------------------------------------- */

/* A field in the parser's text buffer. */
struct field {
	char	*s;
	size_t	 len;
};

/* One record as read by read_record. */
struct record {
	int		line;		/* first line */
	int		nfields;	/* all, also beyond the 5 kept */
	int		bad_quote;
	int		unterminated;
	struct field	fields[DBK_CSV_COLUMNS];
};

struct parser {
	const char		*pos;
	const char		*end;
	int			 line;		/* line pos is on */
	size_t			 tlen;		/* bytes used in text */
	size_t			 rows_cap;
	size_t			 errors_cap;
	int64_t			 first_day;	/* 1970-01-01 */
	int64_t			 ndays;		/* days 1970..2100 */
	struct dbk_csv_import	*out;
};

/* Consumes a line end at p->pos (CRLF, LF or lone CR) if there is one.
 * Returns 1 when it did. */
static int
eat_line_end(struct parser *p)
{
	if (p->pos < p->end && *p->pos == '\r') {
		p->pos++;
		if (p->pos < p->end && *p->pos == '\n')
			p->pos++;
		p->line++;
		return (1);
	}
	if (p->pos < p->end && *p->pos == '\n') {
		p->pos++;
		p->line++;
		return (1);
	}
	return (0);
}

/* Reads a quoted field's body (after its opening quote) into dst. */
static void
read_quoted(struct parser *p, struct record *rec, char *dst, size_t *dlen)
{
	char	c;

	for (;;) {
		if (p->pos >= p->end) {
			rec->unterminated = 1;
			return;
		}
		c = *p->pos;
		if (c == '"') {
			if (p->pos + 1 < p->end && p->pos[1] == '"') {
				dst[(*dlen)++] = '"';
				p->pos += 2;
				continue;
			}
			p->pos++;
			break;
		}
		if (c == '\r' || c == '\n') {
			/* Keep the line end's bytes; count one line. */
			dst[(*dlen)++] = c;
			p->pos++;
			if (c == '\r' && p->pos < p->end && *p->pos == '\n') {
				dst[(*dlen)++] = '\n';
				p->pos++;
			}
			p->line++;
			continue;
		}
		dst[(*dlen)++] = c;
		p->pos++;
	}
	/* Anything between the closing quote and the delimiter is stray. */
	while (p->pos < p->end && *p->pos != ',' && *p->pos != '\r' &&
	    *p->pos != '\n') {
		rec->bad_quote = 1;
		dst[(*dlen)++] = *p->pos++;
	}
}

/*
 * Reads one record from p->pos into the import's text buffer (each field
 * NUL-terminated) and consumes its line end.  The caller made sure
 * p->pos < p->end.
 */
static void
read_record(struct parser *p, struct record *rec)
{
	char	*dst;
	size_t	 dlen;

	memset(rec, 0, sizeof(*rec));
	rec->line = p->line;
	for (;;) {
		dst = p->out->text + p->tlen;
		dlen = 0;
		if (p->pos < p->end && *p->pos == '"') {
			p->pos++;
			read_quoted(p, rec, dst, &dlen);
		} else {
			while (p->pos < p->end && *p->pos != ',' &&
			    *p->pos != '\r' && *p->pos != '\n') {
				if (*p->pos == '"')
					rec->bad_quote = 1;
				dst[dlen++] = *p->pos++;
			}
		}
		dst[dlen] = '\0';
		p->tlen += dlen + 1;
		if (rec->nfields < DBK_CSV_COLUMNS) {
			rec->fields[rec->nfields].s = dst;
			rec->fields[rec->nfields].len = dlen;
		}
		if (rec->nfields < INT32_MAX)
			rec->nfields++;
		if (rec->unterminated)
			return;
		if (p->pos < p->end && *p->pos == ',') {
			p->pos++;
			continue;
		}
		eat_line_end(p);
		return;
	}
}

/* A blank line: one empty, unquoted field. */
static int
record_blank(const struct record *rec, const char *start)
{
	return (rec->nfields == 1 && rec->fields[0].len == 0 &&
	    !rec->unterminated && *start != '"');
}

/* Trims a field in place (it stays NUL-terminated). */
static void
trim_field(struct field *f)
{
	const char	*s = f->s;
	size_t		 len = f->len;

	dbk_trim(&s, &len);
	f->s = (char *)(uintptr_t)s;
	f->len = len;
	f->s[len] = '\0';
}

static int
header_ok(struct record *rec)
{
	static const char	*names[DBK_CSV_COLUMNS] = {
		"date", "kind", "half_day", "location", "note"
	};
	size_t			 i, j;

	if (rec->nfields != DBK_CSV_COLUMNS || rec->bad_quote ||
	    rec->unterminated)
		return (0);
	for (i = 0; i < DBK_CSV_COLUMNS; i++) {
		trim_field(&rec->fields[i]);
		if (rec->fields[i].len != strlen(names[i]))
			return (0);
		for (j = 0; j < rec->fields[i].len; j++) {
			char c = rec->fields[i].s[j];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != names[i][j])
				return (0);
		}
	}
	return (1);
}

/* Parses half_day: 1 or 0, or -1 for anything else. */
static int
parse_half_day(const struct field *f)
{
	static const char	*yes[] = { "1", "true", "yes" };
	static const char	*no[] = { "0", "false", "no" };
	size_t			 i, j;
	char			 lower[8];

	if (f->len == 0)
		return (0);
	if (f->len >= sizeof(lower))
		return (-1);
	for (j = 0; j < f->len; j++) {
		char c = f->s[j];

		lower[j] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	lower[f->len] = '\0';
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(lower, yes[i]) == 0)
			return (1);
		if (strcmp(lower, no[i]) == 0)
			return (0);
	}
	return (-1);
}

static int
add_error(struct parser *p, int line, enum dbk_csv_reason reason,
    int first_line)
{
	struct dbk_csv_import	*out = p->out;
	struct dbk_csv_error	*grown;
	size_t			 cap;

	if (out->nerrors == p->errors_cap) {
		cap = p->errors_cap ? p->errors_cap * 2 : 16;
		grown = realloc(out->errors, cap * sizeof(*grown));
		if (grown == NULL)
			return (-1);
		out->errors = grown;
		p->errors_cap = cap;
	}
	out->errors[out->nerrors].line = line;
	out->errors[out->nerrors].reason = reason;
	out->errors[out->nerrors].first_line = first_line;
	out->nerrors++;
	return (0);
}

static int
add_row(struct parser *p, const struct dbk_csv_row *row)
{
	struct dbk_csv_import	*out = p->out;
	struct dbk_csv_row	*grown;
	size_t			 cap;

	if (out->nrows == p->rows_cap) {
		cap = p->rows_cap ? p->rows_cap * 2 : 64;
		grown = realloc(out->rows, cap * sizeof(*grown));
		if (grown == NULL)
			return (-1);
		out->rows = grown;
		p->rows_cap = cap;
	}
	out->rows[out->nrows++] = *row;
	return (0);
}

/*
 * Checks a data record.  Returns 0 and fills *row, or the reason it is bad
 * (and *first_line for a duplicate).  Records the first line of each valid
 * date in p->out->seen, also for records that are bad for another reason.
 */
static int
check_record(struct parser *p, struct record *rec, struct dbk_csv_row *row,
    int *first_line)
{
	struct field	*f = rec->fields;
	int64_t		 index;
	int		 i, reason = 0, half = 0, previous;

	if (rec->unterminated)
		return (DBK_CSV_UNTERMINATED_QUOTE);
	if (rec->nfields != DBK_CSV_COLUMNS)
		return (DBK_CSV_FIELD_COUNT);
	if (rec->bad_quote)
		return (DBK_CSV_BAD_QUOTE);
	for (i = 0; i < DBK_CSV_COLUMNS; i++) {
		trim_field(&f[i]);
		if (!dbk_utf8_valid(f[i].s, f[i].len, i == 4 ?
		    DBK_UTF8_ALLOW_NEWLINES : DBK_UTF8_SINGLE_LINE))
			return (DBK_CSV_BAD_UTF8);
	}
	if (dbk_date_parse(f[0].s, f[0].len, &row->date) == -1)
		return (DBK_CSV_BAD_DATE);

	index = dbk_date_to_days(&row->date) - p->first_day;
	previous = p->out->seen[index];
	if (previous == 0)
		p->out->seen[index] = rec->line;

	if (dbk_day_kind_parse(f[1].s, f[1].len, &row->kind) == -1)
		reason = DBK_CSV_UNKNOWN_KIND;
	else if ((half = parse_half_day(&f[2])) == -1)
		reason = DBK_CSV_BAD_HALF_DAY;
	else if (dbk_utf8_length(f[3].s, f[3].len) > DBK_WORKLOG_LOCATION_MAX)
		reason = DBK_CSV_LOCATION_TOO_LONG;
	else if (dbk_utf8_length(f[4].s, f[4].len) > DBK_WORKLOG_NOTE_MAX)
		reason = DBK_CSV_NOTE_TOO_LONG;
	else if (previous != 0) {
		reason = DBK_CSV_DUPLICATE_DATE;
		*first_line = previous;
	}
	if (reason != 0)
		return (reason);

	row->line = rec->line;
	row->half_day = half;
	row->location = f[3].s;
	row->location_len = f[3].len;
	row->note = f[4].s;
	row->note_len = f[4].len;
	return (0);
}

static int
parser_setup(struct parser *p, const char *data, size_t len,
    struct dbk_csv_import *out)
{
	static const struct dbk_date	first = { DBK_YEAR_MIN, 1, 1 };
	static const struct dbk_date	last = { DBK_YEAR_MAX, 12, 31 };

	memset(p, 0, sizeof(*p));
	p->out = out;
	p->pos = data;
	p->end = data + len;
	p->line = 1;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		p->pos += 3;
	p->first_day = dbk_date_to_days(&first);
	p->ndays = dbk_date_to_days(&last) - p->first_day + 1;
	/* Each field's bytes fit in its raw bytes; its NUL in its delimiter
	 * (or in the one extra byte at the very end). */
	if ((out->text = malloc(len + 1)) == NULL)
		return (-1);
	if ((out->seen = calloc((size_t)p->ndays, sizeof(int))) == NULL)
		return (-1);
	return (0);
}

int
dbk_csv_import_parse(const char *data, size_t len, struct dbk_csv_import *out)
{
	struct parser		 p;
	struct record		 rec;
	struct dbk_csv_row	 row;
	const char		*start;
	size_t			 records = 0, mark;
	int			 rc = DBK_CSV_ENOMEM, have_header = 0;
	int			 reason, first_line;

	memset(out, 0, sizeof(*out));
	if (len > DBK_CSV_MAX_BYTES)
		return (DBK_CSV_ETOOLARGE);
	if (data == NULL && len > 0)		/* a caller bug: refuse */
		return (DBK_CSV_ETOOLARGE);
	if (parser_setup(&p, data != NULL ? data : "", len, out) == -1)
		goto fail;

	while (p.pos < p.end) {
		start = p.pos;
		mark = p.tlen;
		read_record(&p, &rec);
		if (record_blank(&rec, start)) {
			p.tlen = mark;
			continue;
		}
		if (!have_header) {
			if (!header_ok(&rec)) {
				if (add_error(&p, rec.line, DBK_CSV_BAD_HEADER,
				    0) == -1)
					goto fail;
				break;
			}
			have_header = 1;
			continue;
		}
		if (++records > DBK_CSV_MAX_ROWS) {
			rc = DBK_CSV_ETOOMANY;
			goto fail;
		}
		first_line = 0;
		reason = check_record(&p, &rec, &row, &first_line);
		if (reason == 0) {
			if (add_row(&p, &row) == -1)
				goto fail;
			continue;
		}
		p.tlen = mark;
		if (add_error(&p, rec.line, reason, first_line) == -1)
			goto fail;
		if (rec.unterminated)
			break;
	}
	if (!have_header && out->nerrors == 0 &&
	    add_error(&p, 1, DBK_CSV_BAD_HEADER, 0) == -1)
		goto fail;
	return (DBK_CSV_OK);
fail:
	dbk_csv_import_free(out);
	return (rc);
}

void
dbk_csv_import_free(struct dbk_csv_import *import)
{
	free(import->rows);
	free(import->errors);
	free(import->text);
	free(import->seen);
	memset(import, 0, sizeof(*import));
}

const char *
dbk_csv_reason_message(enum dbk_csv_reason reason)
{
	switch (reason) {
	case DBK_CSV_BAD_HEADER:
		return ("The first line must be the header "
		    "date,kind,half_day,location,note.");
	case DBK_CSV_FIELD_COUNT:
		return ("A row needs exactly 5 fields: "
		    "date,kind,half_day,location,note.");
	case DBK_CSV_UNTERMINATED_QUOTE:
		return ("A quoted field is not closed before the end of "
		    "the file.");
	case DBK_CSV_BAD_QUOTE:
		return ("A field has a stray double quote: enclose the field "
		    "in double quotes and double every quote inside it.");
	case DBK_CSV_BAD_UTF8:
		return ("The row is not valid UTF-8 text, or it has control "
		    "characters (line breaks are allowed in the note only).");
	case DBK_CSV_BAD_DATE:
		return ("The date must be a real date written YYYY-MM-DD, "
		    "years 1970 to 2100.");
	case DBK_CSV_UNKNOWN_KIND:
		return ("The kind must be office, remote, vacation, holiday "
		    "or sick.");
	case DBK_CSV_BAD_HALF_DAY:
		return ("half_day must be empty, 0, 1, true, false, yes "
		    "or no.");
	case DBK_CSV_LOCATION_TOO_LONG:
		return ("The location may have at most 100 characters.");
	case DBK_CSV_NOTE_TOO_LONG:
		return ("The note may have at most 500 characters.");
	case DBK_CSV_DUPLICATE_DATE:
		return ("This date already appears on an earlier row.");
	}
	return ("The row is not valid.");
}

const char *
dbk_csv_status_message(int status)
{
	switch (status) {
	case DBK_CSV_OK:
		return ("OK.");
	case DBK_CSV_ETOOLARGE:
		return ("The file is larger than 2 MiB.");
	case DBK_CSV_ETOOMANY:
		return ("The file has more than 5000 rows.");
	case DBK_CSV_ENOMEM:
		return ("Out of memory while reading the file.");
	}
	return ("The file could not be read.");
}
