package main

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
)

func parsePKCS8(p []byte) (any, error) {
	block, _ := pem.Decode(p)
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	return x509.ParsePKCS8PrivateKey(block.Bytes)
}
