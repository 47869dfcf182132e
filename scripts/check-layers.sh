#!/bin/sh
# Check that each folder of src/ includes only what its layer may use
# (docs/architecture.md).  Prints every offending line; exits 1 if any.
#
#   layer          may include (besides libc and its own folder)
#   src/mustache   nothing else
#   src/core       src/mustache; libsodium, the MariaDB client; never Kore
#   src/runtime    src/core, src/mustache, Kore, hiredis, libcurl
#   src/domain     src/runtime, src/core, src/mustache
#   src/pages      src/domain, src/runtime, src/core, src/mustache
#   src/admin      src/core only; never Kore
#
# A header in the same folder is included by its plain name ("page.h"); any
# other by folder ("core/validate.h"), which is what this reads.
set -u
cd "$(dirname "$0")/.."

# forbidden FOLDER PATTERN: the include lines of FOLDER matching PATTERN.
forbidden()
{
	grep -Hn -E "^#[[:space:]]*include[[:space:]]*[<\"]($2)" \
	    "src/$1"/*.[ch] 2>/dev/null
}

bad=$(
	forbidden mustache 'core/|runtime/|domain/|pages/|admin/|kore/|hiredis/|curl/'
	forbidden core 'runtime/|domain/|pages/|admin/|kore/|hiredis/|curl/'
	forbidden runtime 'domain/|pages/|admin/'
	forbidden domain 'pages/|admin/'
	forbidden pages 'admin/'
	forbidden admin 'runtime/|domain/|pages/|kore/|hiredis/|curl/'
)
loose=$(ls src/*.[ch] 2>/dev/null)
[ -z "$loose" ] || bad="$bad
files outside a layer's folder: $loose"
if [ -n "$bad" ]; then
	echo "check-layers: includes against docs/architecture.md:"
	echo "$bad"
	exit 1
fi
n=$(ls src/*/*.[ch] | wc -l)
echo "check-layers: $n files in src/*/ include only their own or lower layers"
