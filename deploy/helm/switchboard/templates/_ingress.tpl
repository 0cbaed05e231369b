{{/* The gateway's Ingress (webhooks, API, live events; the web inbox later), TLS by default. */}}
{{- define "switchboard.ingress" -}}
{{- if .Values.ingress.enabled -}}
{{- $gateway := include "switchboard.componentName" (dict "root" . "name" "gateway") -}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ $gateway }}
  labels:
    {{- include "switchboard.labels" . | nindent 4 }}
    app.kubernetes.io/component: gateway
  {{- with .Values.ingress.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with .Values.ingress.className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- if .Values.ingress.tls.enabled }}
  tls:
    - hosts: [{{ .Values.ingress.host | quote }}]
      secretName: {{ .Values.ingress.tls.secretName }}
  {{- end }}
  rules:
    - host: {{ .Values.ingress.host | quote }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ $gateway }}
                port:
                  name: http
{{- end -}}
{{- end -}}
