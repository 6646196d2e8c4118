using System.Globalization;
using System.Text.RegularExpressions;
using Shouldly;
using Timeline.Hosting;
using Timeline.Tests.Infrastructure;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Timeline.Tests.Deploy;

/// <summary>Docker cannot run here, so the deployment files are read and checked against what the service expects.</summary>
public sealed partial class DeployFilesTests
{
    private const string UrlsVariable = "ASPNETCORE_URLS";
    private const string CodeGenerationVariable = "Timeline__CodeGeneration";
    private const string SecretName = "timeline-postgres";
    private const string SecretKey = "connection-string";
    private static readonly string ConnectionVariable = "ConnectionStrings__" + DatabaseSetup.ConnectionStringName;

    // Environment names the service reads (ASP.NET Core's and its own configuration); a typo would be silently ignored.
    private static readonly HashSet<string> VariablesTheServiceReads =
    [
        ConnectionVariable, UrlsVariable, CodeGenerationVariable, "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT",
        DatabaseSetup.DataDirectoryKey.Replace(":", "__", StringComparison.Ordinal),
    ];

    private static readonly string Deploy = Path.Combine(TestDirectories.RepositoryRoot, "deploy");
    private static readonly string[] Probes = ["startupProbe", "livenessProbe", "readinessProbe"];

    [Fact]
    public void the_image_generates_code_statically_and_exposes_the_port_it_listens_on()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Deploy, "Dockerfile"));

        RunLines(dockerfile).ShouldContain(line => line.Contains("-- codegen write", StringComparison.Ordinal), "the build must generate code statically");
        var runtimeStage = dockerfile[dockerfile.LastIndexOf("FROM ", StringComparison.Ordinal)..];
        EnvValue(runtimeStage, CodeGenerationVariable).ShouldBe("Static", "the image must load the generated code");
        DockerEnv().Matches(runtimeStage).Select(m => m.Groups["name"].Value).ShouldBeSubsetOf(VariablesTheServiceReads);
        var listening = PortOf(EnvValue(runtimeStage, UrlsVariable));
        ExposedPorts(runtimeStage).ShouldBe([listening]);
        runtimeStage.ShouldContain("USER ", Case.Sensitive, "the service must not run as root");
    }

    [Fact]
    public void compose_runs_two_replicas_on_its_postgres_behind_one_proxy_port()
    {
        var services = Load(Path.Combine(Deploy, "compose.yaml")).Single().At("services");
        var port = ImagePort();

        var timeline = services.At("timeline");
        var environment = EnvironmentOf(timeline);
        environment.Keys.ShouldBeSubsetOf(VariablesTheServiceReads);
        PortOf(environment[UrlsVariable]).ShouldBe(port);
        Ints(timeline.At("expose")).ShouldContain(port);
        timeline.At("deploy", "replicas").Int().ShouldBe(2);
        timeline.At("build", "dockerfile").Text().ShouldBe("deploy/Dockerfile");

        var databaseHost = ConnectionHost(environment[ConnectionVariable]);
        var postgres = services.At(databaseHost);
        postgres.At("image").Text().ShouldStartWith("postgres:");
        postgres.At("healthcheck", "test").ShouldNotBeNull();
        timeline.At("depends_on", databaseHost, "condition").Text().ShouldBe("service_healthy");

        var nginx = File.ReadAllText(Path.Combine(Deploy, "nginx.conf"));
        var upstream = UpstreamServer().Match(nginx);
        upstream.Success.ShouldBeTrue("nginx.conf needs an upstream server line");
        upstream.Groups["host"].Value.ShouldBe("timeline");
        int.Parse(upstream.Groups["port"].Value, CultureInfo.InvariantCulture).ShouldBe(port);
        nginx.ShouldContain("proxy_pass http://timeline;");

        var proxy = services.At("proxy");
        Texts(proxy.At("volumes")).ShouldContain(v => v.StartsWith("./nginx.conf:", StringComparison.Ordinal));
        var proxyPort = int.Parse(Texts(proxy.At("ports")).ShouldHaveSingleItem().Split(':')[^1], CultureInfo.InvariantCulture);
        NginxListen().Match(nginx).Groups["port"].Value.ShouldBe(proxyPort.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void kubernetes_runs_two_replicas_with_the_secret_connection_and_probes_on_the_health_routes()
    {
        var documents = Directory.GetFiles(Path.Combine(Deploy, "k8s"), "*.yaml").SelectMany(Load).ToList();
        var deployment = documents.Single(d => d.At("kind").Text() == "Deployment");
        var service = documents.Single(d => d.At("kind").Text() == "Service");
        var secret = documents.Single(d => d.At("kind").Text() == "Secret");
        var port = ImagePort();

        deployment.At("spec", "replicas").Int().ShouldBe(2);
        var pod = deployment.At("spec", "template");
        var container = ((YamlSequenceNode)pod.At("spec", "containers")).Children.ShouldHaveSingleItem();
        var ports = ((YamlSequenceNode)container.At("ports")).Children
            .ToDictionary(p => p.At("name").Text(), p => p.At("containerPort").Int());
        ports.Values.ShouldBe([port]);

        var env = ((YamlSequenceNode)container.At("env")).Children.ToDictionary(e => e.At("name").Text());
        env.Keys.ShouldBeSubsetOf(VariablesTheServiceReads);
        PortOf(env[UrlsVariable].At("value").Text()).ShouldBe(port);
        var secretRef = env[ConnectionVariable].At("valueFrom", "secretKeyRef");
        secretRef.At("name").Text().ShouldBe(SecretName);
        secretRef.At("key").Text().ShouldBe(SecretKey);
        secret.At("metadata", "name").Text().ShouldBe(SecretName);
        secret.At("stringData").ShouldBeOfType<YamlMappingNode>().Children.Keys.Select(k => k.Text()).ShouldContain(SecretKey);

        int Resolve(YamlNode portNode) => int.TryParse(portNode.Text(), CultureInfo.InvariantCulture, out var number) ? number : ports[portNode.Text()];
        container.At("livenessProbe", "httpGet", "path").Text().ShouldBe("/health/live");
        container.At("readinessProbe", "httpGet", "path").Text().ShouldBe("/health/ready");
        foreach (var probe in Probes.Where(p => container.Has(p)))
        {
            Resolve(container.At(probe, "httpGet", "port")).ShouldBe(port, probe);
        }

        var servicePort = ((YamlSequenceNode)service.At("spec", "ports")).Children.ShouldHaveSingleItem();
        servicePort.At("port").Int().ShouldBe(80);
        Resolve(servicePort.At("targetPort")).ShouldBe(port);
        var podLabels = pod.At("metadata", "labels").ShouldBeOfType<YamlMappingNode>();
        foreach (var (key, value) in service.At("spec", "selector").ShouldBeOfType<YamlMappingNode>().Children)
        {
            podLabels.At(key.Text()).Text().ShouldBe(value.Text());
        }
    }

    private static int ImagePort()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Deploy, "Dockerfile"));
        return PortOf(EnvValue(dockerfile[dockerfile.LastIndexOf("FROM ", StringComparison.Ordinal)..], UrlsVariable));
    }

    private static IEnumerable<string> RunLines(string dockerfile) =>
        dockerfile.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("RUN ", StringComparison.Ordinal));

    private static string EnvValue(string dockerfile, string name) =>
        DockerEnv().Matches(dockerfile).Single(m => m.Groups["name"].Value == name).Groups["value"].Value.Trim('"');

    private static IEnumerable<int> ExposedPorts(string dockerfile) =>
        dockerfile.Split('\n').Select(l => l.Trim())
            .Where(l => l.StartsWith("EXPOSE ", StringComparison.Ordinal))
            .SelectMany(l => l["EXPOSE ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(p => int.Parse(p.Split('/')[0], CultureInfo.InvariantCulture));

    private static int PortOf(string urls) => urls.Split(';').Select(u => new Uri(u.Replace("*", "0.0.0.0", StringComparison.Ordinal).Replace("+", "0.0.0.0", StringComparison.Ordinal)).Port).Distinct().Single();

    private static string ConnectionHost(string connectionString) =>
        connectionString.Split(';').Select(p => p.Split('=', 2)).Single(p => p[0].Trim().Equals("Host", StringComparison.OrdinalIgnoreCase))[1].Trim();

    private static Dictionary<string, string> EnvironmentOf(YamlNode service) => service.At("environment") switch
    {
        YamlMappingNode map => map.Children.ToDictionary(kv => kv.Key.Text(), kv => kv.Value.Text()),
        YamlSequenceNode list => list.Children.Select(n => n.Text().Split('=', 2)).ToDictionary(p => p[0], p => p.ElementAtOrDefault(1) ?? ""),
        _ => [],
    };

    private static IEnumerable<string> Texts(YamlNode sequence) => ((YamlSequenceNode)sequence).Children.Select(n => n.Text());

    private static IEnumerable<int> Ints(YamlNode sequence) => ((YamlSequenceNode)sequence).Children.Select(n => n.Int());

    private static List<YamlNode> Load(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return stream.Documents.Select(d => d.RootNode).ToList();
    }

    [GeneratedRegex(@"^\s*ENV\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)[=\s](?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex DockerEnv();

    [GeneratedRegex(@"^\s*listen\s+(?<port>\d+)", RegexOptions.Multiline)]
    private static partial Regex NginxListen();

    [GeneratedRegex(@"^\s*server\s+(?<host>[\w.-]+):(?<port>\d+)\b", RegexOptions.Multiline)]
    private static partial Regex UpstreamServer();
}

internal static class YamlPaths
{
    /// <summary>The node at a path of mapping keys; fails with the missing key's name.</summary>
    public static YamlNode At(this YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            var map = node.ShouldBeOfType<YamlMappingNode>($"'{key}' is looked up in a node that is not a mapping");
            map.Children.TryGetValue(new YamlScalarNode(key), out var child).ShouldBeTrue($"missing '{key}'");
            node = child!;
        }

        return node;
    }

    public static bool Has(this YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.ContainsKey(new YamlScalarNode(key));

    public static string Text(this YamlNode node) => node.ShouldBeOfType<YamlScalarNode>().Value ?? "";

    public static int Int(this YamlNode node) => int.Parse(node.Text(), CultureInfo.InvariantCulture);
}
