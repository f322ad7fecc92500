namespace Voting.Deploy.Tests;

/// <summary>The validator catches what it claims to: a small valid manifest, broken one way at a time.</summary>
public sealed class ManifestSetNegativeTests
{
    private const string Valid = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cfg
        data:
          Voting__Kafka__BootstrapServers: kafka:9092
          Voting__Kafka__Partitions: "8"
          Urls: http://+:8080
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: sec
        stringData:
          connection: REPLACE_ME
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: processor
        spec:
          selector:
            matchLabels:
              app: processor
          template:
            metadata:
              labels:
                app: processor
            spec:
              securityContext:
                runAsNonRoot: true
              containers:
                - name: processor
                  image: voting/processor:1.0.0
                  ports:
                    - name: http
                      containerPort: 8080
                  envFrom:
                    - configMapRef:
                        name: cfg
                  env:
                    - name: Voting__MySql__ConnectionString
                      valueFrom:
                        secretKeyRef:
                          name: sec
                          key: connection
                  resources:
                    requests: { cpu: "1", memory: 1Gi }
                    limits: { memory: 1Gi }
                  livenessProbe:
                    httpGet: { path: /health/live, port: http }
                  readinessProbe:
                    httpGet: { path: /health/ready, port: http }
                  securityContext:
                    readOnlyRootFilesystem: true
                    allowPrivilegeEscalation: false
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: processor
        spec:
          selector:
            app: processor
          ports:
            - port: 80
              targetPort: http
        ---
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata:
          name: processor
        spec:
          scaleTargetRef:
            apiVersion: apps/v1
            kind: Deployment
            name: processor
          minReplicas: 1
          maxReplicas: 8
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: processor-egress
        spec:
          podSelector:
            matchLabels:
              app: processor
          policyTypes: [Egress]
          egress:
            - ports: [{ port: 9092 }]
        """;

    [Fact]
    public void The_unbroken_manifest_passes()
    {
        Assert.Empty(Validate(Valid));
    }

    [Theory]
    [InlineData("      app: processor\n  policyTypes", "      app: worker\n  policyTypes", "NetworkPolicy/processor-egress: podSelector matches no Deployment's pods")]
    [InlineData("  podSelector:\n    matchLabels:\n      app: processor\n", "", "spec.podSelector is required")]
    [InlineData("    app: processor\n  ports:", "    app: procesor\n  ports:", "matches no Deployment's pods")]
    [InlineData("targetPort: http", "targetPort: web", "targetPort web is not a container port")]
    [InlineData("targetPort: http", "targetPort: 9090", "targetPort 9090 is not a container port")]
    [InlineData("path: /health/ready", "path: /healthz", "/healthz is not a health endpoint")]
    [InlineData("path: /health/live", "path: /health/ready", "livenessProbe must use /health/live")]
    [InlineData("path: /health/live, port: http", "path: /health/live, port: 8081", "port 8081 is not a port of the container")]
    [InlineData("key: connection", "key: password", "key password that Secret sec does not have")]
    [InlineData("name: sec\n                  key", "name: other\n                  key", "Secret other, which is not defined")]
    [InlineData("name: cfg\n          env:", "name: config\n          env:", "configMapRef config is not defined")]
    [InlineData("Voting__MySql__ConnectionString", "Voting__MySql__ConectionString", "MySqlShardOptions has no settable property ConectionString")]
    [InlineData("Voting__Kafka__BootstrapServers: kafka:9092", "Voting__Kafka__LegacyBroker09: \"true\"", "local Kafka 0.9 profile's switch")]
    [InlineData("Voting__Kafka__BootstrapServers: kafka:9092", "Voting__Queue__Servers: kafka", "no options class binds section Voting:Queue")]
    [InlineData("Voting__Kafka__BootstrapServers: kafka:9092", "KAFKA_SERVERS: kafka", "neither a Voting__ configuration key")]
    [InlineData("Voting__Kafka__Partitions: \"8\"", "Voting__Kafka__Partitions: 8", "must be a quoted string")]
    [InlineData("maxReplicas: 8", "maxReplicas: 9", "exceeds Voting__Kafka__Partitions 8")]
    [InlineData("    name: processor\n  minReplicas", "    name: processer\n  minReplicas", "Deployment/processer is not defined")]
    [InlineData("app: processor\n  template", "app: proc\n  template", "selector app=proc does not match the pod template's labels")]
    [InlineData("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false", "readOnlyRootFilesystem is not set")]
    [InlineData("kind: Secret\nmetadata:\n  name: sec", "kind: Secret\nmetadata:\n  labels: {}", "metadata.name are all required")]
    [InlineData("  name: cfg\ndata:", "  name: cfg\ndata: [", "not valid YAML")]
    [InlineData("      app: processor\n  template:", "      app: processor\n  replicas: 3\n  template:", "sets spec.replicas (3) although")]
    [InlineData("Urls: http://+:8080", "ASPNETCORE_HTTP_PORTS: \"8080\"", "Urls is not set: it must listen on every interface")]
    [InlineData("Urls: http://+:8080", "Urls: http://127.0.0.1:8080", "Urls is 'http://127.0.0.1:8080': it must listen on every interface")]
    [InlineData("Urls: http://+:8080", "Urls: http://+:5103", "at the container's http port (8080)")]
    public void A_broken_manifest_is_reported(string find, string replace, string expected)
    {
        Assert.Contains(find, Valid, StringComparison.Ordinal);

        var problems = Validate(Valid.Replace(find, replace, StringComparison.Ordinal));

        Assert.True(problems.Any(p => p.Contains(expected, StringComparison.Ordinal)), $"expected \"{expected}\" in:\n{string.Join("\n", problems)}");
    }

    private static IReadOnlyList<string> Validate(string yaml) =>
        ManifestSet.Parse([("test.yaml", yaml)]).Validate(ManifestRules.Real);
}
