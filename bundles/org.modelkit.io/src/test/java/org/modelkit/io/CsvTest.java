package org.modelkit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.modelkit.io.TestFiles.assertMalformed;
import static org.modelkit.io.TestFiles.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;

class CsvTest {
    @TempDir
    Path tmp;

    @Test
    void readsIrisAndDigits() throws IOException {
        Csv.Table iris = Csv.readMatrix(data("sklearn/iris.csv"), true);
        assertEquals(List.of("150", "4", "setosa", "versicolor", "virginica"), iris.header());
        assertArrayEquals(new int[] {150, 5}, iris.values().shape());
        assertEquals(5.1f, iris.values().get(0, 0));
        LabelledSet s = Csv.readLabelled(data("sklearn/iris.csv"), true, -1);
        assertEquals(3, s.classCount());
        assertArrayEquals(new int[] {150, 4}, s.features().shape());
        // without being told, the scikit-learn header is recognised and names the classes
        LabelledSet named = Csv.readLabelled(data("sklearn/iris.csv"), -1);
        assertEquals(List.of("setosa", "versicolor", "virginica"), named.classNames());
        assertArrayEquals(s.labels(), named.labels());
        assertEquals(0, named.label(0));
        assertEquals(2, named.label(149));
        LabelledSet digits = Csv.readLabelled(data("sklearn/digits.csv.gz"), false, -1);
        assertArrayEquals(new int[] {1797, 64}, digits.features().shape());
        assertEquals(10, digits.classCount());
        assertEquals(0, digits.label(0));
    }

    @Test
    void labelsMayBeClassNamesAndAHeaderIsRecognised() throws IOException {
        Path p = tmp.resolve("named.csv");
        java.nio.file.Files.writeString(p, "length,width,species\n5.1,3.5,setosa\n7.0,3.2,versicolor\n4.9,3.0,setosa\n");
        LabelledSet s = Csv.readLabelled(p, -1);
        assertEquals(List.of("setosa", "versicolor"), s.classNames());
        assertArrayEquals(new int[] {0, 1, 0}, s.labels());
        assertEquals(7.0f, s.features().get(1, 0));
        Path mixed = tmp.resolve("mixed.csv");
        java.nio.file.Files.writeString(mixed, "5.1,3.5,setosa\n7.0,3.2,1\n");
        assertMalformed(mixed, "line 2: label '1' is a number, but other rows name their class (setosa)",
                () -> Csv.readLabelled(mixed, -1));
        Path badFeature = tmp.resolve("bad.csv");
        java.nio.file.Files.writeString(badFeature, "5.1,3.5,setosa\n7.0,x,versicolor\n");
        assertMalformed(badFeature, "line 2, column 2", () -> Csv.readLabelled(badFeature, -1));
    }

    @Test
    void writesAndReadsBack() throws IOException {
        Tensor t = Tensor.of(new float[] {1.5f, -2f, 1e-7f, 3f}, 2, 2);
        Path p = tmp.resolve("m.csv");
        Csv.writeMatrix(p, t, List.of("a", "b"));
        Csv.Table back = Csv.readMatrix(p, true);
        assertEquals(List.of("a", "b"), back.header());
        assertEquals(t, back.values());
        Csv.writeRows(tmp.resolve("r.csv"), List.of("name", "value"), List.of(List.of("a,b", 1), List.of("q\"t", 2.5)));
        assertEquals("name,value\n\"a,b\",1\n\"q\"\"t\",2.5\n", Files.readString(tmp.resolve("r.csv")));
    }

    private Path file(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void rejectsMalformedFiles() throws IOException {
        Path word = file("word.csv", "1,2,3\n4,five,6\n");
        assertMalformed(word, "line 2, column 2: 'five' is not a number", () -> Csv.readMatrix(word, false));
        Path ragged = file("ragged.csv", "# comment\n1,2,3\n4,5\n");
        assertMalformed(ragged, "line 3 has 2 cells, the first data row has 3", () -> Csv.readMatrix(ragged, false));
        Path nan = file("nan.csv", "1,NaN\n");
        assertMalformed(nan, "line 1, column 2: 'NaN' is not a finite number", () -> Csv.readMatrix(nan, false));
        Path empty = file("empty.csv", "a,b\n\n");
        assertMalformed(empty, "no data rows", () -> Csv.readMatrix(empty, true));
        Path blank = file("blank.csv", "1,,3\n");
        assertMalformed(blank, "line 1, column 2: empty cell", () -> Csv.readMatrix(blank, false));
        Path latin1 = tmp.resolve("latin1.csv");
        Files.write(latin1, new byte[] {'1', ',', (byte) 0xe9, '\n'});
        assertMalformed(latin1, "is not UTF-8 text", () -> Csv.readMatrix(latin1, false));
        Path fractional = file("fractional.csv", "1,2,0.5\n");
        assertMalformed(fractional, "data row 1: label 0.5 is not a non-negative integer",
                () -> Csv.readLabelled(fractional, false, -1));
        Path small = file("small.csv", "1,2\n");
        assertMalformed(small, "label column 5 does not exist; rows have 2 cells", () -> Csv.readLabelled(small, false, 5));
        Path huge = file("huge.csv", "1,1e39\n");
        assertMalformed(huge, "'1e39' is out of the float range", () -> Csv.readMatrix(huge, false));
    }
}
