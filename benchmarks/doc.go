// Package benchmarks holds fwaudit's benchmarks of its hot paths (parsing,
// discovery, matching), each next to the baseline it is judged against, and
// tests that pin their allocation counts. It has no API; see README.md for
// how to run it and for the latest figures.
package benchmarks
