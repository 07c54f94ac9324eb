using System.Collections;
using System.Text.Json;
using StsPowerShell.Core.Google;

namespace StsPowerShell.Tests.Google;

/// <summary>Google's options JSON: what a hashtable may hold.</summary>
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
}
