package org.edgefm.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.edgefm.api.EdgeFmException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TensorsTest {
    @Test
    void roundTrip_keepsShapeAndValues() {
        INDArray a = Nd4j.rand(DataType.FLOAT, 3, 5);
        byte[] b = Tensors.write(a);
        assertThat(b).hasSize(8 + 4 * 15);
        assertThat(Tensors.read(b, 0, b.length).equalsWithEps(a, 0)).isTrue();
        assertThat(Tensors.read(new byte[0], 0, 0)).isNull();
    }

    @Test
    void read_headerNotMatchingTheData_isRefused() {
        byte[] b = Tensors.write(Nd4j.rand(DataType.FLOAT, 2, 2));
        assertThatThrownBy(() -> Tensors.read(b, 0, b.length - 4)).isInstanceOf(EdgeFmException.class)
                .hasMessageContaining("header 2 x 2 does not match 12 data bytes");
        assertThatThrownBy(() -> Tensors.read(new byte[3], 0, 3)).hasMessageContaining("at least an 8-byte header");
    }
}
