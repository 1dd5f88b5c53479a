// Package config owns ringd's configuration: the model of the config file
// (ringd.yaml, SPEC §6) and of the sequential rings the store keeps, its
// decoding and its validation, the engine's view of it (Spec), and the
// embedded demo configuration. Its sub-packages build on the model declared
// here: config/store keeps the live provisioning data, config/live the
// running configuration, config/api serves the admin HTTP API.
//
// Decoding is strict: an unknown key anywhere is an error. Validation reports
// every problem at once as Problems, one "path: message" each, with the path
// in the file's own terms (`ring_groups[0].members[1].extension`). The
// config layer checks what only it knows (listen URIs, CIDRs, store and log
// settings, service templates, schedules, references to services and
// schedules) and leaves every routing check to engine.Compile, whose findings
// it merges in.
//
// config may import engine and strategy, for the specs it builds and the
// enums it parses, and nothing else of ringd: never sip, cmd or its own
// sub-packages (cmd/ringd/imports_test.go enforces it).
package config
