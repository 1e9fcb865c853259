package descriptor

// StrerrorForTest is strerror, for tests outside the package.
var StrerrorForTest = strerror

// TreeForTest is tree (load_test.go), for tests outside the package: it
// builds files under dir, "->target" a symlink, "fifo" a named pipe, "dir"
// a directory.
var TreeForTest = tree
