// Package docs checks the repository's own documentation against the code:
// docs/ARCHITECTURE.md has a row for every package under backend/ and
// internal/, and no Markdown file links outside the repository (a clone has
// nothing there). The checks are its tests; it has no API.
package docs
