using System.Globalization;
using System.Net;
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
    private const string KeysSecretName = "timeline-keys";
    private const string NodeNameVariable = "Timeline__NodeName";
    private static readonly string[] Roles = ["editor", "reviewer", "admin"];
    private static readonly string ConnectionVariable = "ConnectionStrings__" + DatabaseSetup.ConnectionStringName;

    private static readonly string TrustedProxiesVariable = TrustedProxies.Setting.Replace(":", "__", StringComparison.Ordinal);

    // Environment names the service reads (ASP.NET Core's and its own configuration); a typo would be silently ignored.
    private static readonly HashSet<string> VariablesTheServiceReads =
    [
        ConnectionVariable, UrlsVariable, CodeGenerationVariable, "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT",
        DatabaseSetup.DataDirectoryKey.Replace(":", "__", StringComparison.Ordinal),
        NodeIdentity.NameKey.Replace(":", "__", StringComparison.Ordinal), "Timeline__Auth__ReadsPublic", TrustedProxiesVariable,
    ];

    // Keys are named by the operator: Timeline__Auth__Keys__<name>__Key / __Role.
    private static bool TheServiceReads(string variable) => VariablesTheServiceReads.Contains(variable) || KeyVariable().IsMatch(variable);

    private static readonly string Deploy = Path.Combine(TestDirectories.RepositoryRoot, "deploy");
    private static readonly string[] Probes = ["startupProbe", "livenessProbe", "readinessProbe"];

    [Fact]
    public void the_image_generates_code_statically_and_exposes_the_port_it_listens_on()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Deploy, "Dockerfile"));

        RunLines(dockerfile).ShouldContain(line => line.Contains("-- codegen write", StringComparison.Ordinal), "the build must generate code statically");
        RunLines(dockerfile).ShouldContain(line => line.StartsWith("RUN dotnet publish ", StringComparison.Ordinal) && line.Contains("PublishReadyToRun=true", StringComparison.Ordinal),
            "the image must start with its code compiled ahead of time");
        var runtimeStage = dockerfile[dockerfile.LastIndexOf("FROM ", StringComparison.Ordinal)..];
        EnvValue(runtimeStage, CodeGenerationVariable).ShouldBe("Static", "the image must load the generated code");
        DockerEnv().Matches(runtimeStage).Select(m => m.Groups["name"].Value).Where(v => !TheServiceReads(v)).ShouldBeEmpty();
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
        environment.Keys.Where(v => !TheServiceReads(v)).ShouldBeEmpty("variables the service would silently ignore");
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

        // nginx forwards each caller's address, and the nodes believe it from nginx's own fixed address only (not the
        // network, whose gateway may pass a caller's header on): otherwise every anonymous caller shares nginx's budget.
        nginx.ShouldContain("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;");
        var nginxAddress = IPAddress.Parse(proxy.At("networks", "default", "ipv4_address").Text());
        environment[TrustedProxiesVariable].ShouldBe(nginxAddress.ToString(), "the nodes must trust nginx's address and nothing else");
        var pool = ((YamlSequenceNode)Load(Path.Combine(Deploy, "compose.yaml")).Single().At("networks", "default", "ipam", "config")).Children.ShouldHaveSingleItem();
        IPNetwork.Parse(pool.At("subnet").Text()).Contains(nginxAddress).ShouldBeTrue("nginx's address must be in the network's subnet");
        IPNetwork.Parse(pool.At("ip_range").Text()).Contains(nginxAddress).ShouldBeFalse("no other container may be given nginx's address");
    }

    [Fact]
    public void kubernetes_runs_two_replicas_with_the_secret_connection_and_probes_on_the_health_routes()
    {
        var documents = Directory.GetFiles(Path.Combine(Deploy, "k8s"), "*.yaml").SelectMany(Load).ToList();
        var deployment = documents.Single(d => d.At("kind").Text() == "Deployment");
        var service = documents.Single(d => d.At("kind").Text() == "Service");
        var secrets = documents.Where(d => d.At("kind").Text() == "Secret").ToDictionary(d => d.At("metadata", "name").Text());
        var secret = secrets[SecretName];
        var port = ImagePort();

        deployment.At("spec", "replicas").Int().ShouldBe(2);
        var pod = deployment.At("spec", "template");
        var container = ((YamlSequenceNode)pod.At("spec", "containers")).Children.ShouldHaveSingleItem();
        var ports = ((YamlSequenceNode)container.At("ports")).Children
            .ToDictionary(p => p.At("name").Text(), p => p.At("containerPort").Int());
        ports.Values.ShouldBe([port]);

        var env = ((YamlSequenceNode)container.At("env")).Children.ToDictionary(e => e.At("name").Text());
        env.Keys.Where(v => !TheServiceReads(v)).ShouldBeEmpty("variables the service would silently ignore");
        PortOf(env[UrlsVariable].At("value").Text()).ShouldBe(port);
        var secretRef = env[ConnectionVariable].At("valueFrom", "secretKeyRef");
        secretRef.At("name").Text().ShouldBe(SecretName);
        secretRef.At("key").Text().ShouldBe(SecretKey);
        secret.At("stringData").ShouldBeOfType<YamlMappingNode>().Children.Keys.Select(k => k.Text()).ShouldContain(SecretKey);

        // Each pod is a node named after itself, and takes its keys from a Secret, never from the manifest.
        env[NodeNameVariable].At("valueFrom", "fieldRef", "fieldPath").Text().ShouldBe("metadata.name");
        var keys = env.Keys.Where(v => KeyVariable().IsMatch(v)).ToList();
        RolesOf(keys, name => env[name].At("value").Text()).ShouldContain("admin");
        foreach (var key in keys.Where(k => k.EndsWith("__Key", StringComparison.Ordinal)))
        {
            env[key].Has("value").ShouldBeFalse($"{key} must come from a Secret");
            var keyRef = env[key].At("valueFrom", "secretKeyRef");
            keyRef.At("name").Text().ShouldBe(KeysSecretName);
            secrets[KeysSecretName].At("stringData").ShouldBeOfType<YamlMappingNode>().Children.Keys.Select(k => k.Text()).ShouldContain(keyRef.At("key").Text());
        }

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

    [Fact]
    public void compose_gives_both_nodes_their_keys_from_the_environment_and_pools_that_fit_the_server()
    {
        var services = Load(Path.Combine(Deploy, "compose.yaml")).Single().At("services");
        var timeline = services.At("timeline");
        var environment = EnvironmentOf(timeline);
        var replicas = timeline.At("deploy", "replicas").Int();
        replicas.ShouldBe(2);
        // One fixed name would be shared by every replica; the default (host name and pid) differs per container.
        environment.ShouldNotContainKey(NodeNameVariable);

        var keys = environment.Keys.Where(v => KeyVariable().IsMatch(v)).ToList();
        RolesOf(keys, name => environment[name]).ShouldContain("admin", "the stack needs an admin key to be usable");
        foreach (var key in keys.Where(k => k.EndsWith("__Key", StringComparison.Ordinal)))
        {
            RequiredInterpolation().IsMatch(environment[key]).ShouldBeTrue($"{key} must be ${{VARIABLE:?message}}, not a value: {environment[key]}");
        }

        RequiredInterpolation().IsMatch(EnvironmentOf(services.At("postgres"))["POSTGRES_PASSWORD"]).ShouldBeTrue();
        var password = ConnectionPart(environment[ConnectionVariable], "Password");
        RequiredInterpolation().IsMatch(password).ShouldBeTrue($"the connection string's password must come from the environment: {password}");

        // Every node's pool full at once, plus room for an operator's sessions, fits the server's max_connections.
        var pool = int.Parse(ConnectionPart(environment[ConnectionVariable], "Maximum Pool Size"), CultureInfo.InvariantCulture);
        var maxConnections = int.Parse(MaxConnections().Match(File.ReadAllText(Path.Combine(Deploy, "postgresql.conf"))).Groups["n"].Value, CultureInfo.InvariantCulture);
        (replicas * pool + 10).ShouldBeLessThanOrEqualTo(maxConnections, "replicas × Maximum Pool Size + 10 must fit in max_connections");
    }

    [Fact]
    public void no_file_under_deploy_carries_a_secret_and_the_local_env_file_is_ignored()
    {
        var findings = new List<string>();
        foreach (var path in Directory.GetFiles(Deploy, "*", SearchOption.AllDirectories).Where(p => Path.GetFileName(p) != ".env"))
        {
            var name = Path.GetRelativePath(Deploy, path);
            var text = File.ReadAllText(path);
            findings.AddRange(Password().Matches(text).Select(m => m.Groups["value"].Value).Where(v => !IsPlaceholder(v)).Select(v => $"{name}: Password={v}"));
            findings.AddRange(SecretAssignment().Matches(text).Select(m => (m.Groups["name"].Value, m.Groups["value"].Value.Trim('"', '\''))).Where(a => !IsPlaceholder(a.Item2))
                .Select(a => $"{name}: {a.Item1} = {a.Item2}"));
            findings.AddRange(LongToken().Matches(text).Select(m => $"{name}: {m.Value}"));
        }

        findings.ShouldBeEmpty("literal secrets in deploy/");
        File.ReadAllLines(Path.Combine(TestDirectories.RepositoryRoot, ".gitignore")).Select(l => l.Trim()).ShouldContain("deploy/.env");

        static bool IsPlaceholder(string value) => value.Length == 0 || RequiredInterpolation().IsMatch(value)
            || (value.StartsWith('<') && value.EndsWith('>')) || value.StartsWith("valueFrom", StringComparison.Ordinal);
    }

    private static List<string> RolesOf(IEnumerable<string> keyVariables, Func<string, string> valueOf)
    {
        var variables = keyVariables.ToList();
        var names = variables.Select(v => KeyVariable().Match(v).Groups["name"].Value).Distinct().ToList();
        names.ShouldNotBeEmpty("no Timeline__Auth__Keys__<name>__Key/Role given");
        var roles = new List<string>();
        foreach (var name in names)
        {
            variables.ShouldContain($"Timeline__Auth__Keys__{name}__Key");
            variables.ShouldContain($"Timeline__Auth__Keys__{name}__Role");
            var role = valueOf($"Timeline__Auth__Keys__{name}__Role");
            Roles.ShouldContain(role);
            roles.Add(role);
        }

        return roles;
    }

    private static string ConnectionPart(string connectionString, string key) =>
        connectionString.Split(';').Select(p => p.Split('=', 2)).Single(p => p[0].Trim().Equals(key, StringComparison.OrdinalIgnoreCase))[1].Trim();

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

    [GeneratedRegex(@"^Timeline__Auth__Keys__(?<name>[A-Za-z0-9-]+)__(Key|Role)$")]
    private static partial Regex KeyVariable();

    // ${NAME:?message}: compose refuses to start without it, so there is no default to leak.
    [GeneratedRegex(@"^\$\{[A-Za-z_][A-Za-z0-9_]*:\?[^}]+\}$")]
    private static partial Regex RequiredInterpolation();

    [GeneratedRegex(@"^\s*max_connections\s*=\s*(?<n>\d+)", RegexOptions.Multiline)]
    private static partial Regex MaxConnections();

    [GeneratedRegex(@"(?<!\w)Password=(?<value>\$\{[^}]*\}|[^;\s'""]*)", RegexOptions.IgnoreCase)]
    private static partial Regex Password();

    // An environment entry or Secret value whose name says it is secret, given a literal value on the same line.
    [GeneratedRegex(@"^\s*-?\s*(?<name>[\w.-]*(?:__Key|PASSWORD|SECRET|TOKEN|-key|apikey)):[ \t]*(?<value>\S.*?)\s*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex SecretAssignment();

    // A long hex or base64 run is what a generated key looks like (image digests are pinned as sha256:..., allowed).
    [GeneratedRegex(@"(?<!sha256:)\b(?:[0-9a-fA-F]{32,}|[A-Za-z0-9+/]{40,}={0,2})\b")]
    private static partial Regex LongToken();

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
