using System.Collections;
using System.Text.Json;
using StsPowerShell.Core.Google;

namespace StsPowerShell.Tests.Google;

/// <summary>Google's options JSON: what a hashtable may hold, and text sent as given, escaped only where JSON requires.</summary>
public class StsOptionsJsonTests
{
    public static TheoryData<object> NumbersJsonCannotCarry() => new()
    {
        double.NaN,
        double.PositiveInfinity,
        float.NegativeInfinity,
        1e300,
        -1e29,
    };

    [Theory]
    [MemberData(nameof(NumbersJsonCannotCarry))]
    public void NonFiniteAndHugeNumbersAreRefusedNamingTheParameter(object number)
    {
        var error = Assert.Throws<ArgumentException>(() => StsOptionsJson.FromParameter(new Hashtable { ["n"] = number }, "Options"));
        Assert.Equal("Options", error.ParamName);
        Assert.Contains("finite", error.Message);
    }

    [Fact]
    public void OrdinaryNumbersAreSentAsWritten()
    {
        Assert.Equal("{\"n\":0.1}", StsOptionsJson.FromParameter(new Hashtable { ["n"] = 0.1 }, "Options"));
        Assert.Equal("{\"n\":1.5}", StsOptionsJson.FromParameter(new Hashtable { ["n"] = 1.5f }, "Options"));
        Assert.Equal("{\"n\":12345678901234567890.5}", StsOptionsJson.FromParameter(new Hashtable { ["n"] = 12345678901234567890.5m }, "Options"));
    }

    [Fact]
    public void TextIsEscapedOnlyWhereJsonRequires()
    {
        var text = "a'b<c>d&e+f é 日本 \"q\" \\ \u0001";
        var json = StsOptionsJson.FromParameter(new Hashtable { ["k"] = text }, "Options")!;
        Assert.Equal("{\"k\":\"a'b<c>d&e+f é 日本 \\\"q\\\" \\\\ \\u0001\"}", json);
        Assert.Equal(text, JsonDocument.Parse(json).RootElement.GetProperty("k").GetString());
    }

    [Fact]
    public void TheUserProjectJoinsOptionsWithoutNeedlessEscapes()
    {
        var json = GooglePoolProvider.WithUserProject("{\"note\":\"<&'+é>\"}", "projet-été");
        Assert.Equal("{\"note\":\"<&'+é>\",\"userProject\":\"projet-été\"}", json);
    }
}
