// bench_mustache.cc - throughput of the daybook mustache engine against
// libmstch (Debian libmstch-dev) on a realistic page: a layout parent
// template, a header partial and a 50-item task list whose fields need
// HTML escaping.  Usage: bench-mustache DIR [SECONDS]
//
// mstch has no template inheritance, so it renders page_mstch.mustache,
// the same page with the layout's blocks filled in by hand; both outputs
// are compared byte for byte before timing.  mstch's default escaper also
// turns "/" into "&#x2F;"; it is given one escaping the same five
// characters as daybook (& < > " '), so that the outputs are identical.  mstch parses the template on
// every render (it has no compile-once API); daybook compiles once.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include <mstch/mstch.hpp>

#include "mustache/mustache.h"

namespace {

const int	kItems = 50;

std::string
slurp(const std::string &path)
{
	std::ifstream in(path, std::ios::binary);
	if (!in) {
		std::fprintf(stderr, "bench-mustache: cannot read %s\n",
		    path.c_str());
		std::exit(1);
	}
	std::ostringstream ss;
	ss << in.rdbuf();
	return ss.str();
}

struct task {
	int		id;
	std::string	title, due, note;
	bool		done;
};

task
make_task(int i)
{
	char buf[256];
	task t;

	t.id = 1000 + i;
	std::snprintf(buf, sizeof(buf), "Task #%d: fix <b>bold</b> & "
	    "'quoted' \"things\"", i);
	t.title = buf;
	std::snprintf(buf, sizeof(buf), "2026-11-%02d", 1 + i % 28);
	t.due = buf;
	std::snprintf(buf, sizeof(buf), "Remember: a < b > c & d; call "
	    "O'Brien about \"item %d\" before noon.", i);
	t.note = buf;
	t.done = i % 3 == 0;
	return t;
}

std::string
escape_html(const std::string &s)
{
	std::string out;

	out.reserve(s.size() + 16);
	for (char c : s) {
		switch (c) {
		case '&': out += "&amp;"; break;
		case '<': out += "&lt;"; break;
		case '>': out += "&gt;"; break;
		case '"': out += "&quot;"; break;
		case '\'': out += "&#39;"; break;
		default: out += c; break;
		}
	}
	return out;
}

const char *const kTags[] = { "work", "home & garden" };

// The request context, built the way the web app will build it.
struct mustache_value *
build_ours(struct mustache_arena *a)
{
	struct mustache_value *root = mustache_object(a);
	struct mustache_value *user = mustache_object(a);
	struct mustache_value *tasks = mustache_list(a);

	mustache_object_set(a, user, "name", mustache_cstring(a,
	    "Ada O'Brien <admin>"));
	mustache_object_set(a, user, "email", mustache_cstring(a,
	    "ada@example.com"));
	mustache_object_set(a, user, "csrf", mustache_cstring(a,
	    "k3J9-xQ2_vZ8"));
	mustache_object_set(a, root, "user", user);
	mustache_object_set(a, root, "count", mustache_int(a, kItems));
	mustache_object_set(a, root, "year", mustache_int(a, 2026));
	mustache_object_set(a, root, "flash", mustache_cstring(a,
	    "Saved \"Buy milk & eggs\""));
	for (int i = 0; i < kItems; i++) {
		task t = make_task(i);
		struct mustache_value *o = mustache_object(a);
		struct mustache_value *tags = mustache_list(a);
		mustache_object_set(a, o, "id", mustache_int(a, t.id));
		mustache_object_set(a, o, "title", mustache_string(a,
		    t.title.data(), t.title.size()));
		mustache_object_set(a, o, "due", mustache_string(a,
		    t.due.data(), t.due.size()));
		mustache_object_set(a, o, "note", mustache_string(a,
		    t.note.data(), t.note.size()));
		mustache_object_set(a, o, "done", mustache_bool(a, t.done));
		for (const char *tag : kTags)
			mustache_list_push(a, tags, mustache_string_borrow(a,
			    tag, std::strlen(tag)));
		mustache_object_set(a, o, "tags", tags);
		mustache_list_push(a, tasks, o);
	}
	mustache_object_set(a, root, "tasks", tasks);
	return root;
}

mstch::map
build_mstch()
{
	mstch::array tasks;
	for (int i = 0; i < kItems; i++) {
		task t = make_task(i);
		mstch::array tags;
		for (const char *tag : kTags)
			tags.push_back(std::string(tag));
		tasks.push_back(mstch::map{
		    {"id", t.id}, {"title", t.title}, {"due", t.due},
		    {"note", t.note}, {"done", t.done}, {"tags", tags}});
	}
	return mstch::map{
	    {"user", mstch::map{{"name", std::string("Ada O'Brien <admin>")},
		{"email", std::string("ada@example.com")},
		{"csrf", std::string("k3J9-xQ2_vZ8")}}},
	    {"count", kItems}, {"year", 2026},
	    {"flash", std::string("Saved \"Buy milk & eggs\"")},
	    {"tasks", tasks}};
}

// Runs f repeatedly for about seconds; returns renders per second.
template <class F> double
measure(double seconds, F f)
{
	using clock = std::chrono::steady_clock;
	auto start = clock::now();
	long n = 0;
	double elapsed;

	for (;;) {
		for (int i = 0; i < 50; i++)
			f();
		n += 50;
		elapsed = std::chrono::duration<double>(clock::now() -
		    start).count();
		if (elapsed >= seconds)
			break;
	}
	return n / elapsed;
}

void
report(const char *what, double rps, size_t bytes)
{
	std::printf("%-34s %10.0f renders/s %9.1f MB/s\n", what, rps,
	    rps * bytes / 1e6);
}

}	// namespace

int
main(int argc, char *argv[])
{
	std::string dir = argc > 1 ? argv[1] : "bench/mustache";
	double seconds = argc > 2 ? std::atof(argv[2]) : 3.0;
	struct mustache_error err;
	struct mustache_set *set = mustache_set_new_dir(dir.c_str(), 0);
	if (set == nullptr || mustache_set_compile(set, "page", &err) == -1) {
		std::fprintf(stderr, "bench-mustache: %s\n", set ? err.message :
		    "out of memory");
		return 1;
	}
	const struct mustache_template *page = mustache_set_get(set, "page");
	struct mustache_arena *arena = mustache_arena_new();
	struct mustache_value *ctx = build_ours(arena);
	struct mustache_buf out = {};

	if (mustache_render(page, ctx, &out, &err) == -1) {
		std::fprintf(stderr, "bench-mustache: %s\n", err.message);
		return 1;
	}
	std::string ours(out.data, out.len);

	mstch::config::escape = escape_html;
	std::string mtpl = slurp(dir + "/page_mstch.mustache");
	std::map<std::string, std::string> partials{
	    {"header", slurp(dir + "/header.mustache")}};
	mstch::map mctx = build_mstch();
	std::string theirs = mstch::render(mtpl, mctx, partials);

	std::printf("page: %zu bytes (daybook), %zu bytes (mstch), %d items\n",
	    ours.size(), theirs.size(), kItems);
	if (ours == theirs)
		std::printf("outputs: identical bytes\n");
	else {
		size_t i = 0;
		while (i < ours.size() && i < theirs.size() &&
		    ours[i] == theirs[i])
			i++;
		std::printf("outputs: DIFFER at byte %zu: daybook \"%.40s\" "
		    "mstch \"%.40s\"\n", i, ours.c_str() + i,
		    theirs.c_str() + i);
	}

	double ours_rps = measure(seconds, [&] {
		mustache_buf_reset(&out);
		mustache_render(page, ctx, &out, &err);
	});
	double ours_ctx_rps = measure(seconds, [&] {
		mustache_arena_reset(arena);
		struct mustache_value *c = build_ours(arena);
		mustache_buf_reset(&out);
		mustache_render(page, c, &out, &err);
	});
	double mstch_rps = measure(seconds, [&] {
		std::string s = mstch::render(mtpl, mctx, partials);
		if (s.size() != theirs.size())
			std::abort();
	});

	report("daybook mustache (render)", ours_rps, ours.size());
	report("daybook mustache (build ctx+render)", ours_ctx_rps,
	    ours.size());
	report("mstch 1.0 (render)", mstch_rps, theirs.size());
	std::printf("ratio daybook/mstch: %.1fx (render), %.1fx (build ctx + "
	    "render)\n", ours_rps / mstch_rps, ours_ctx_rps / mstch_rps);

	mustache_buf_free(&out);
	mustache_arena_free(arena);
	mustache_set_free(set);
	return 0;
}
