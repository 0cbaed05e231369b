{{/* Names, labels and the pieces every workload shares. */}}

{{- define "switchboard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "switchboard.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The name of one component's objects: (dict "root" $ "name" "gateway") */}}
{{- define "switchboard.componentName" -}}
{{- printf "%s-%s" (include "switchboard.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "switchboard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "switchboard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "switchboard.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "switchboard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: switchboard
{{- end -}}

{{/* Labels of one component: (dict "root" $ "name" "gateway") */}}
{{- define "switchboard.componentSelectorLabels" -}}
{{ include "switchboard.selectorLabels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "switchboard.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "switchboard.configName" -}}
{{- printf "%s-config" (include "switchboard.fullname" .) -}}
{{- end -}}

{{- define "switchboard.secretName" -}}
{{- default (printf "%s-secrets" (include "switchboard.fullname" .)) .Values.existingSecret -}}
{{- end -}}

{{/* The gRPC target of a service inside the cluster, its headless Service's DNS name (every
     replica): (dict "root" $ "name" "channels") */}}
{{- define "switchboard.grpcTarget" -}}
{{- printf "dns:///%s:%v" (include "switchboard.grpcHost" .) (index .root.Values.components .name).port -}}
{{- end -}}

{{- define "switchboard.grpcHost" -}}
{{- printf "%s-grpc" (include "switchboard.componentName" .) -}}
{{- end -}}

{{/* SIGTERM: preStop pause, then the gRPC drain and the consumers' drain (each up to the
     shutdown grace), then closing connections: Kubernetes waits longer than all of it. */}}
{{- define "switchboard.terminationGracePeriodSeconds" -}}
{{- add .Values.preStopSleepSeconds (mul 2 .Values.config.shutdownGraceSeconds) 10 -}}
{{- end -}}

{{- define "switchboard.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "switchboard.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Environment every container gets: the ConfigMap and the Secret. */}}
{{- define "switchboard.envFrom" -}}
- configMapRef:
    name: {{ include "switchboard.configName" . }}
- secretRef:
    name: {{ include "switchboard.secretName" . }}
{{- end -}}

{{/* /tmp is the only writable path (HOME and TMPDIR point there). */}}
{{- define "switchboard.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- end -}}

{{- define "switchboard.tmpMount" -}}
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/* The workers: components that serve no gRPC API (gRPC health alone) and call the gateway's
     public API like a third party (switchboard/components.py: no target). */}}
{{- define "switchboard.workers" -}}telegram-bot{{- end -}}

{{/* The gRPC services: every component but the gateway and the workers, comma-separated
     (splitList ","). */}}
{{- define "switchboard.serviceNames" -}}
{{- $workers := splitList "," (include "switchboard.workers" .) -}}
{{- $names := list -}}
{{- range $name, $_ := .Values.components -}}
{{- if and (ne $name "gateway") (not (has $name $workers)) -}}
{{- $names = append $names $name -}}
{{- end -}}
{{- end -}}
{{- join "," $names -}}
{{- end -}}

{{/* The gateway's URL inside the cluster (its Service): what the workers' SDK calls. */}}
{{- define "switchboard.gatewayUrl" -}}
{{- printf "http://%s:%v" (include "switchboard.componentName" (dict "root" . "name" "gateway")) .Values.components.gateway.port -}}
{{- end -}}

{{/* The NATS users and the gRPC callers of clients/rpc/permissions.py (a test holds them equal):
     each has its own password or token in the credentials Secret. */}}
{{- define "switchboard.natsUsers" -}}admin,gateway,conversations,channels,agent,analytics,scheduling,integrations,telegram_bot{{- end -}}
{{- define "switchboard.grpcCallers" -}}agent,analytics,channels,gateway,scheduling,telegram_bot{{- end -}}

{{/* One user's permissions (of files/nats-permissions.json) in nats-server's syntax, subjects
     quoted as they are (JSON would escape ">", which nats-server does not read back). */}}
{{- define "switchboard.natsRules" -}}
{{- $parts := list -}}
{{- range $kind := list "publish" "subscribe" -}}
{{- $rules := get $ $kind -}}
{{- $lists := list -}}
{{- range $verdict := list "allow" "deny" -}}
{{- if hasKey $rules $verdict -}}
{{- $subjects := list -}}
{{- range (get $rules $verdict) }}{{ $subjects = append $subjects (quote .) }}{{ end -}}
{{- $lists = append $lists (printf "%s: [%s]" $verdict (join ", " $subjects)) -}}
{{- end -}}
{{- end -}}
{{- $parts = append $parts (printf "%s: {%s}" $kind (join ", " $lists)) -}}
{{- end -}}
{{- printf "{%s}" (join ", " $parts) -}}
{{- end -}}

{{- define "switchboard.credentialsName" -}}
{{- default (printf "%s-credentials" (include "switchboard.fullname" .)) .Values.credentials.existingSecret -}}
{{- end -}}

{{/* One key of the credentials Secret as an env var: (dict "root" $ "env" NAME "key" KEY) */}}
{{- define "switchboard.credentialEnv" -}}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ include "switchboard.credentialsName" .root }}
      key: {{ .key }}
{{- end -}}

{{/* Who this container is on the bus and towards the services, and how it reaches them over
     TLS: (dict "root" $ "name" COMPONENT). Only its own password and token; a service also
     the digests it checks its callers against. Its NATS user and gRPC caller name is the
     component's with underscores (telegram-bot is telegram_bot: Kubernetes names take no
     underscore, those no dash). */}}
{{- define "switchboard.identityEnv" -}}
{{- $root := .root -}}
{{- $user := .name | replace "-" "_" -}}
- name: SWITCHBOARD_NATS_USER
  value: {{ $user | quote }}
{{ include "switchboard.credentialEnv" (dict "root" $root "env" "SWITCHBOARD_NATS_PASSWORD" "key" (printf "nats-password-%s" $user)) }}
{{- if has $user (splitList "," (include "switchboard.grpcCallers" $root)) }}
{{ include "switchboard.credentialEnv" (dict "root" $root "env" "SWITCHBOARD_GRPC_TOKEN" "key" (printf "grpc-token-%s" $user)) }}
{{- end }}
{{- if has .name (splitList "," (include "switchboard.serviceNames" $root)) }}
{{ include "switchboard.credentialEnv" (dict "root" $root "env" "SWITCHBOARD_GRPC_CALLERS" "key" "grpc-callers") }}
{{- end }}
{{ include "switchboard.natsTlsEnv" $root }}
{{- if $root.Values.tls.grpc.enabled }}
- name: SWITCHBOARD_GRPC_TLS_CA
  value: /etc/switchboard/tls/grpc/ca.crt
{{- if ne .name "gateway" }}
{{- if has .name (splitList "," (include "switchboard.serviceNames" $root)) }}
- name: SWITCHBOARD_GRPC_TLS_CERT
  value: /etc/switchboard/tls/grpc/tls.crt
- name: SWITCHBOARD_GRPC_TLS_KEY
  value: /etc/switchboard/tls/grpc/tls.key
{{- end }}
- name: SWITCHBOARD_GRPC_HEALTH_LISTEN
  value: {{ printf "0.0.0.0:%v" $root.Values.tls.grpc.healthPort | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "switchboard.natsTlsEnv" -}}
{{- if .Values.tls.nats.enabled }}
- name: SWITCHBOARD_NATS_TLS_CA
  value: /etc/switchboard/tls/nats/ca.crt
{{- if .Values.tls.nats.clientCertificate }}
- name: SWITCHBOARD_NATS_TLS_CERT
  value: /etc/switchboard/tls/nats/tls.crt
- name: SWITCHBOARD_NATS_TLS_KEY
  value: /etc/switchboard/tls/nats/tls.key
{{- end }}
{{- end }}
{{- end -}}

{{/* The Secret holding the services' certificate: the operator's, or cert-manager's. */}}
{{- define "switchboard.grpcTlsSecret" -}}
{{- default (printf "%s-grpc-tls" (include "switchboard.fullname" .)) .Values.tls.grpc.secretName -}}
{{- end -}}

{{/* Certificates mounted read-only where the settings above point (NATS's alone for the
     migration hook, which runs before cert-manager could have issued the services' one). */}}
{{- define "switchboard.natsTlsMount" -}}
{{- if .Values.tls.nats.enabled }}
- name: nats-tls
  mountPath: /etc/switchboard/tls/nats
  readOnly: true
{{- end }}
{{- end -}}

{{- define "switchboard.natsTlsVolume" -}}
{{- if .Values.tls.nats.enabled }}
- name: nats-tls
  secret:
    secretName: {{ required "tls.nats.secretName is required with tls.nats.enabled" .Values.tls.nats.secretName }}
    defaultMode: 0440
{{- end }}
{{- end -}}

{{- define "switchboard.tlsMounts" -}}
{{- include "switchboard.natsTlsMount" . }}
{{- if .Values.tls.grpc.enabled }}
- name: grpc-tls
  mountPath: /etc/switchboard/tls/grpc
  readOnly: true
{{- end }}
{{- end -}}

{{- define "switchboard.tlsVolumes" -}}
{{- include "switchboard.natsTlsVolume" . }}
{{- if .Values.tls.grpc.enabled }}
- name: grpc-tls
  secret:
    secretName: {{ include "switchboard.grpcTlsSecret" . }}
    defaultMode: 0440
{{- end }}
{{- end -}}
