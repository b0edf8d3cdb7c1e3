// Package docs has no code. Its tests check the project's documentation:
// every relative link in README.md and docs/ reaches a file (and heading)
// of the repository, every docs page (and #anchor) named in code or data
// files exists, nothing in the repository points outside it, and every
// error code the program can produce is listed in docs/errors.md.
package docs
