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

{{/* host:port a service is reached at inside the cluster: (dict "root" $ "name" "channels") */}}
{{- define "switchboard.grpcTarget" -}}
{{- printf "%s:%v" (include "switchboard.componentName" .) (index .root.Values.components .name).port -}}
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

{{/* The gRPC services: every component but the gateway, comma-separated (splitList ","). */}}
{{- define "switchboard.serviceNames" -}}
{{- $names := list -}}
{{- range $name, $_ := .Values.components -}}
{{- if ne $name "gateway" -}}
{{- $names = append $names $name -}}
{{- end -}}
{{- end -}}
{{- join "," $names -}}
{{- end -}}
