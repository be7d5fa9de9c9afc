package app

// Info describes the running app for its header and About panel.
type Info struct {
	Product     string   `json:"product"`
	Version     string   `json:"version"`
	Mode        string   `json:"mode"`
	Warnings    []string `json:"warnings"`
	ConfigError string   `json:"config_error"`
}

// Info returns what the header shows: version, mode, configuration problems.
func (a *App) Info() (info Info, err error) {
	defer a.recoverInto(&err, "Info")
	info = a.info
	if info.Warnings == nil {
		info.Warnings = []string{}
	}
	return info, nil
}
