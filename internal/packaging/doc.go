// Package packaging holds the checks of the files that describe the
// installers: the release workflow, the macOS Info.plist, wails.json and the
// Linux desktop entry. It has no code of its own.
package packaging
