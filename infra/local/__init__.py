"""The local mesh: moto server, provisioner from template.yaml, Lambda runtime, sinks."""
