/*
 * The task list page (GET /tasks) read once into an index, for the tests
 * that check many titles on one page (test_cache.c, test_tasks.c).
 *
 * task_page_read() walks the page once, front to back, and records each
 * listed task: its id, its title as the page's HTML text, and whether it
 * is open or done.  Look-ups then cost a binary search over the titles,
 * so checking every one of n titles on a page is O(page + n log n)
 * instead of one full-page scan per title (which made the concurrency
 * tests cubic in the number of tasks, and far too slow under ASan).
 *
 * The index points into the page: keep the body until task_page_free().
 * Each task's part of the page runs from its title to the next task's
 * title (the last one to the end of the page); nothing is looked for
 * outside it.
 */

#ifndef DBK_TASK_PAGE_H
#define DBK_TASK_PAGE_H

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define TASK_PAGE_MARK		"<span class=\"task-title\" id=\"t"
#define TASK_PAGE_COMPLETE	"/complete\""
#define TASK_PAGE_REOPEN	"/reopen\""

struct task_entry {
	long long	 id;
	const char	*title;		/* the HTML text, not NUL-terminated */
	size_t		 title_len;
	int		 state;		/* 'o' open, 'd' done, 0 neither */
	const char	*at;		/* its part of the page ... */
	const char	*end;		/* ... up to here */
};

struct task_page {
	struct task_entry	*tasks;	/* sorted by title, then page order */
	size_t			 n;
};

/* Where needle first occurs in [from, end), or NULL. */
static inline const char *
task_page_find_in(const char *from, const char *end, const char *needle)
{
	return memmem(from, (size_t)(end - from), needle, strlen(needle));
}

/* 'o' when [at, end) offers Complete first, 'd' for Reopen, else 0. */
static inline int
task_page_state(const char *at, const char *end)
{
	const char	*complete, *reopen;

	complete = task_page_find_in(at, end, TASK_PAGE_COMPLETE);
	reopen = task_page_find_in(at, end, TASK_PAGE_REOPEN);
	if (complete != NULL && (reopen == NULL || complete < reopen))
		return 'o';
	return reopen != NULL ? 'd' : 0;
}

/* Fill e from the task whose mark starts at at; 0 when it is malformed. */
static inline int
task_page_entry(struct task_entry *e, const char *at, const char *end)
{
	const char	*p = at + strlen(TASK_PAGE_MARK), *close;

	if (!isdigit((unsigned char)*p))
		return 0;
	e->id = strtoll(p, NULL, 10);
	if ((p = task_page_find_in(p, end, "\">")) == NULL)
		return 0;
	p += 2;
	if ((close = task_page_find_in(p, end, "</span>")) == NULL)
		return 0;
	e->title = p;
	e->title_len = (size_t)(close - p);
	e->at = at;
	e->end = end;
	e->state = task_page_state(close, end);
	return 1;
}

/* The entry's title against the text title[0..len), in byte order. */
static inline int
task_page_title_cmp(const struct task_entry *e, const char *title,
    size_t len)
{
	size_t	min = e->title_len < len ? e->title_len : len;
	int	c = memcmp(e->title, title, min);

	if (c != 0)
		return c;
	return e->title_len < len ? -1 : e->title_len > len;
}

/* qsort order: by title; equal titles keep their page order. */
static inline int
task_page_cmp(const void *a, const void *b)
{
	const struct task_entry	*x = a, *y = b;
	int			 c = task_page_title_cmp(x, y->title,
				    y->title_len);

	if (c != 0)
		return c;
	return x->at < y->at ? -1 : x->at > y->at;
}

/*
 * Index body (a whole task page, NUL-terminated) into page.  Returns 1, or
 * 0 when a listed task could not be read (the page is then malformed) or
 * memory ran out; page is empty then.
 */
static inline int
task_page_read(struct task_page *page, const char *body)
{
	const char	*at, *next, *end = body + strlen(body);
	size_t		 cap = 0;
	void		*grown;

	page->tasks = NULL;
	page->n = 0;
	for (at = strstr(body, TASK_PAGE_MARK); at != NULL; at = next) {
		next = task_page_find_in(at + 1, end, TASK_PAGE_MARK);
		if (page->n == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(page->tasks, cap * sizeof(*page->tasks));
			if (grown == NULL)
				goto fail;
			page->tasks = grown;
		}
		if (!task_page_entry(&page->tasks[page->n], at,
		    next != NULL ? next : end))
			goto fail;
		page->n++;
	}
	if (page->n > 1)
		qsort(page->tasks, page->n, sizeof(*page->tasks),
		    task_page_cmp);
	return 1;
fail:
	free(page->tasks);
	page->tasks = NULL;
	page->n = 0;
	return 0;
}

static inline void
task_page_free(struct task_page *page)
{
	free(page->tasks);
	page->tasks = NULL;
	page->n = 0;
}

/*
 * The first task (in page order) whose HTML title text is exactly title,
 * and in *count how many tasks have it (count may be NULL); NULL when none.
 */
static inline const struct task_entry *
task_page_find(const struct task_page *page, const char *title,
    size_t *count)
{
	size_t	len = strlen(title), lo = 0, hi = page->n, n;

	while (lo < hi) {	/* the first entry not below title */
		size_t	mid = lo + (hi - lo) / 2;

		if (task_page_title_cmp(&page->tasks[mid], title, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (n = lo; n < page->n &&
	    task_page_title_cmp(&page->tasks[n], title, len) == 0; n++)
		;
	if (count != NULL)
		*count = n - lo;
	return n > lo ? &page->tasks[lo] : NULL;
}

/* 'o' open, 'd' done, 0 when title is not listed. */
static inline int
task_page_state_of(const struct task_page *page, const char *title)
{
	const struct task_entry	*e = task_page_find(page, title, NULL);

	return e != NULL ? e->state : 0;
}

/* The id of the task titled title, or -1. */
static inline long long
task_page_id_of(const struct task_page *page, const char *title)
{
	const struct task_entry	*e = task_page_find(page, title, NULL);

	return e != NULL ? e->id : -1;
}

#endif
