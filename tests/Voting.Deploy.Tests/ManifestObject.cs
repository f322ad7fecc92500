using YamlDotNet.RepresentationModel;

namespace Voting.Deploy.Tests;

/// <summary>One Kubernetes object: a document of a manifest file.</summary>
internal sealed record ManifestObject(string Source, YamlMappingNode Root)
{
    public string? ApiVersion => Root.Get("apiVersion").Text();

    public string? Kind => Root.Get("kind").Text();

    public string? Name => Root.At("metadata", "name").Text();

    /// <summary>Where problems point: file, line and object.</summary>
    public string Where => $"{Source}:{Root.Line()} {Kind}/{Name}";

    /// <summary>The containers of a Deployment's pod template (none for other kinds).</summary>
    public IEnumerable<YamlNode> Containers => Root.At("spec", "template", "spec", "containers").Items();

    /// <summary>The labels a Deployment gives its pods.</summary>
    public Dictionary<string, string> PodLabels => Root.At("spec", "template", "metadata", "labels").StringMap();

    /// <summary>Keys of a ConfigMap's or Secret's data (data, stringData, binaryData).</summary>
    public IEnumerable<string> DataKeys =>
        Root.Get("data").Pairs().Concat(Root.Get("stringData").Pairs()).Concat(Root.Get("binaryData").Pairs()).Select(p => p.Key);
}
