// Package config owns ringd's configuration: the model of the config file
// (ringd.yaml, SPEC §6), its decoding and its validation, and the embedded
// demo configuration. Later it also owns the store of live provisioning data
// and the admin HTTP API, which reuse the model types declared here.
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
// enums it parses, and nothing else of ringd: never sip and never cmd
// (deps_test.go enforces it).
package config
