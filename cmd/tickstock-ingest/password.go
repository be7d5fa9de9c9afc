package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/tickstock/monitor/backend/adminapi"
)

// runHashPassword reads a password without echo (or one line from a pipe)
// and prints its bcrypt hash for ADMIN_USERS_FILE.
func runHashPassword(stdin io.Reader, stdout, stderr io.Writer) int {
	pw, err := readPassword(stdin, stderr, "Password: ")
	if err != nil {
		fmt.Fprintf(stderr, "tickstock-ingest hash-password: %v\n", err)
		return 2
	}
	h, err := adminapi.HashPassword(pw)
	if err != nil {
		fmt.Fprintf(stderr, "tickstock-ingest hash-password: %v\n", err)
		return 2
	}
	fmt.Fprintln(stdout, h)
	return 0
}

// readPassword prompts without echo on a terminal; from a pipe it reads one line.
func readPassword(stdin io.Reader, stderr io.Writer, prompt string) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		return string(b), err
	}
	if stdin == nil {
		return "", errors.New("no password: not on a terminal and nothing on standard input")
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}
