module github.com/fwaudit/fwaudit

go 1.26.0

require (
	github.com/google/go-cmp v0.7.0
	github.com/rogpeppe/go-internal v1.16.0
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3
	golang.org/x/text v0.14.0
	golang.org/x/tools v0.52.0
	libvirt.org/go/libvirtxml v1.12008.0
)

require golang.org/x/sys v0.49.0 // indirect
