package termtext_test

import (
	"fmt"

	"github.com/fwaudit/fwaudit/internal/termtext"
)

func ExampleClean() {
	// A descriptor file name that would clear the screen and reverse the
	// rest of the line.
	fmt.Println(termtext.Clean("50-\x1b[2J\u202enosj.json"))
	// Output: 50-\x1b[2J\u202enosj.json
}
