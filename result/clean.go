package result

import "github.com/fwaudit/fwaudit/internal/termtext"

// clean makes a file name or descriptor string safe to print on one
// terminal line (control and bidirectional characters escaped, as in the
// audit report; issue 11, case 5).
func clean(s string) string { return termtext.Clean(s) }
