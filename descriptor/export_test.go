package descriptor

// StrerrorForTest is strerror, for tests outside the package.
var StrerrorForTest = strerror
