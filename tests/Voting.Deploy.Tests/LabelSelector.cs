using YamlDotNet.RepresentationModel;

namespace Voting.Deploy.Tests;

/// <summary>A Kubernetes label selector (<c>matchLabels</c> and <c>matchExpressions</c>); an empty one selects everything.</summary>
internal static class LabelSelector
{
    public static bool Matches(YamlNode? selector, IReadOnlyDictionary<string, string>? labels)
    {
        labels ??= new Dictionary<string, string>();
        var matchLabels = selector.Get("matchLabels").StringMap();
        if (matchLabels.Any(m => !labels.TryGetValue(m.Key, out var value) || value != m.Value))
        {
            return false;
        }

        return selector.Get("matchExpressions").Items().All(expression =>
        {
            var key = expression.Get("key").Text() ?? "";
            var values = expression.Get("values").Items().Select(v => v.Text()).ToHashSet();
            var has = labels.TryGetValue(key, out var value);
            return expression.Get("operator").Text() switch
            {
                "In" => has && values.Contains(value),
                "NotIn" => !has || !values.Contains(value),
                "Exists" => has,
                "DoesNotExist" => !has,
                var other => throw new InvalidOperationException($"selector operator {other} is not one Kubernetes knows"),
            };
        });
    }
}
