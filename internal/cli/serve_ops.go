package cli

import "flag"

// serveOps are serve's operator settings: logging, proxies and the metrics endpoint.
type serveOps struct {
	LogFormat string
}

func (o *serveOps) register(fl *flag.FlagSet, env Env) {
	def := func(k, d string) string {
		if v := env.Getenv(k); v != "" {
			return v
		}
		return d
	}
	fl.StringVar(&o.LogFormat, "log-format", def("ORDERSTATUS_LOG_FORMAT", "text"), "log lines as text (logfmt) or json")
}
