// A reference vim25 server for conformance tests and the benchmark: VMware's govmomi simulator
// (Debian's golang-github-vmware-govmomi-dev), started on 127.0.0.1 with TLS and a chosen inventory size.
//
// Flags: -port N (0 = any free port), -model esx|vpx, -vms N (VMs per resource pool), -hosts N (hosts per
// cluster, vpx only). Prints one line "vim25 simulator: https://127.0.0.1:PORT/sdk" when it is serving,
// then serves until stdin closes or it is signalled.
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/vmware/govmomi/simulator"
)

func main() {
	port := flag.Int("port", 0, "TCP port on 127.0.0.1 (0 = any free port)")
	model := flag.String("model", "esx", "esx (a standalone ESXi) or vpx (a vCenter)")
	vms := flag.Int("vms", -1, "VMs per resource pool (-1 = the model's default)")
	hosts := flag.Int("hosts", -1, "hosts per cluster, vpx only (-1 = the model's default)")
	flag.Parse()

	var m *simulator.Model
	switch *model {
	case "esx":
		m = simulator.ESX()
	case "vpx":
		m = simulator.VPX()
		m.Host = 0
		if *hosts >= 0 {
			m.ClusterHost = *hosts
		}
	default:
		fmt.Fprintln(os.Stderr, "vim25 simulator: -model must be esx or vpx")
		os.Exit(2)
	}
	if *vms >= 0 {
		m.Machine = *vms
	}
	m.Autostart = false
	if err := m.Create(); err != nil {
		fmt.Fprintln(os.Stderr, "vim25 simulator:", err)
		os.Exit(1)
	}
	defer m.Remove()
	m.Service.TLS = new(tls.Config)
	m.Service.Listen = &url.URL{Host: fmt.Sprintf("127.0.0.1:%d", *port)}
	server := m.Service.NewServer()
	defer server.Close()
	fmt.Printf("vim25 simulator: https://%s/sdk\n", server.URL.Host)

	done := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); close(done) }()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	select {
	case <-done:
	case <-signals:
	}
}
