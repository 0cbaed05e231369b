{{/*
One component: ServiceAccount, Service, Deployment, HorizontalPodAutoscaler, PodDisruptionBudget.
Called as (dict "root" $ "name" "<component>") from a one-line template per component. The
gateway speaks HTTP (probes /healthz and /readyz); every other component answers gRPC health
(native gRPC probes): a service on its API's port, a worker (the bot runner) on a port of
health alone. Every one serves /metrics on metricsPort, which the Ingress never routes.
*/}}
{{- define "switchboard.component" -}}
{{- $root := .root -}}
{{- $name := .name -}}
{{- $c := index $root.Values.components $name -}}
{{- $fullname := include "switchboard.componentName" . -}}
{{- $gateway := eq $name "gateway" -}}
{{- $healthPort := ternary $root.Values.tls.grpc.healthPort $c.port $root.Values.tls.grpc.enabled -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "switchboard.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ $name }}
  {{- with $root.Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "switchboard.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ $name }}
spec:
  type: ClusterIP
  selector:
    {{- include "switchboard.componentSelectorLabels" . | nindent 4 }}
  ports:
    {{- if $gateway }}
    - name: http
      port: {{ $c.port }}
      targetPort: http
      protocol: TCP
    {{- else }}
    - name: grpc
      port: {{ $c.port }}
      targetPort: grpc
      protocol: TCP
      appProtocol: grpc
    {{- end }}
    - name: metrics
      port: {{ $c.metricsPort }}
      targetPort: metrics
      protocol: TCP
{{- if has $name (splitList "," (include "switchboard.serviceNames" $root)) }}
---
# Headless: its DNS name resolves to every ready pod, which the callers' gRPC channels balance
# over (round_robin). A ClusterIP would pin each caller's one long HTTP/2 connection to one
# pod, so replicas an autoscaler added would get no calls.
apiVersion: v1
kind: Service
metadata:
  name: {{ $fullname }}-grpc
  labels:
    {{- include "switchboard.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ $name }}
spec:
  clusterIP: None
  selector:
    {{- include "switchboard.componentSelectorLabels" . | nindent 4 }}
  ports:
    - name: grpc
      port: {{ $c.port }}
      targetPort: grpc
      protocol: TCP
      appProtocol: grpc
{{- end }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "switchboard.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ $name }}
spec:
  {{- if not $c.autoscaling.enabled }}
  replicas: {{ $c.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  selector:
    matchLabels:
      {{- include "switchboard.componentSelectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "switchboard.labels" $root | nindent 8 }}
        app.kubernetes.io/component: {{ $name }}
      annotations:
        checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
        {{- with $c.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ $fullname }}
      automountServiceAccountToken: false
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      terminationGracePeriodSeconds: {{ include "switchboard.terminationGracePeriodSeconds" $root }}
      securityContext:
        {{- include "switchboard.podSecurityContext" $root | nindent 8 }}
      {{- if $root.Values.topologySpread.enabled }}
      topologySpreadConstraints:
        {{- range $root.Values.topologySpread.topologyKeys }}
        - topologyKey: {{ . }}
          maxSkew: {{ $root.Values.topologySpread.maxSkew }}
          whenUnsatisfiable: {{ $root.Values.topologySpread.whenUnsatisfiable }}
          labelSelector:
            matchLabels:
              {{- include "switchboard.componentSelectorLabels" (dict "root" $root "name" $name) | nindent 14 }}
        {{- end }}
      {{- end }}
      {{- with $c.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $c.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $c.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ $name }}
          image: {{ include "switchboard.image" $root }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          args: ["serve", {{ $name | quote }}]
          envFrom:
            {{- include "switchboard.envFrom" $root | nindent 12 }}
          env:
            - name: OTEL_SERVICE_NAME
              value: {{ printf "switchboard-%s" $name | quote }}
            {{- include "switchboard.identityEnv" (dict "root" $root "name" $name) | nindent 12 }}
            {{- if $gateway }}
            - name: SWITCHBOARD_HTTP_HOST
              value: "0.0.0.0"
            - name: SWITCHBOARD_HTTP_PORT
              value: {{ $c.port | quote }}
            {{- else }}
            - name: SWITCHBOARD_GRPC_LISTEN
              value: {{ printf "0.0.0.0:%v" $c.port | quote }}
            {{- end }}
            - name: SWITCHBOARD_METRICS_PORT
              value: {{ $c.metricsPort | quote }}
            {{- range $key, $value := $c.extraEnv }}
            - name: {{ $key }}
              value: {{ $value | quote }}
            {{- end }}
          ports:
            {{- if $gateway }}
            - name: http
              containerPort: {{ $c.port }}
              protocol: TCP
            - name: metrics
              containerPort: {{ $c.metricsPort }}
              protocol: TCP
            {{- else }}
            - name: grpc
              containerPort: {{ $c.port }}
              protocol: TCP
            - name: metrics
              containerPort: {{ $c.metricsPort }}
              protocol: TCP
            {{- if $root.Values.tls.grpc.enabled }}
            # Plaintext gRPC health only, for the probes (they speak no TLS).
            - name: health
              containerPort: {{ $healthPort }}
              protocol: TCP
            {{- end }}
            {{- end }}
          {{- if $gateway }}
          startupProbe:
            httpGet: {path: /healthz, port: http}
            periodSeconds: 2
            failureThreshold: 30
          livenessProbe:
            httpGet: {path: /healthz, port: http}
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          readinessProbe:
            httpGet: {path: /readyz, port: http}
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 2
          {{- else }}
          startupProbe:
            grpc: {port: {{ $healthPort }}}
            periodSeconds: 2
            failureThreshold: 30
          livenessProbe:
            grpc: {port: {{ $healthPort }}}
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          readinessProbe:
            grpc: {port: {{ $healthPort }}}
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 2
          {{- end }}
          lifecycle:
            preStop:
              sleep:
                seconds: {{ $root.Values.preStopSleepSeconds }}
          resources:
            {{- toYaml $c.resources | nindent 12 }}
          securityContext:
            {{- include "switchboard.containerSecurityContext" $root | nindent 12 }}
          volumeMounts:
            {{- include "switchboard.tmpMount" $root | nindent 12 }}
            {{- include "switchboard.tlsMounts" $root | nindent 12 }}
      volumes:
        {{- include "switchboard.tmpVolume" $root | nindent 8 }}
        {{- include "switchboard.tlsVolumes" $root | nindent 8 }}
{{- if $c.autoscaling.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "switchboard.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ $name }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $fullname }}
  minReplicas: {{ $c.autoscaling.minReplicas }}
  maxReplicas: {{ $c.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $c.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "switchboard.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ $name }}
spec:
  maxUnavailable: {{ $c.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "switchboard.componentSelectorLabels" . | nindent 6 }}
{{- end -}}
